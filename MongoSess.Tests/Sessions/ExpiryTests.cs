using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class ExpiryTests : SessionTestBase
{
    private TestHttpServer ServeRoutes() => Serve(async (session, ctx) =>
    {
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/end":
                await session.EndAsync();
                return "ended";
            case "/expire":
                await session.ExpireAsync();
                return "expired";
            case "/peek":
                return $"{await session.GetAsync<long>("views")}";
            default:
                return $"{await session.IncrementAsync("views")} {session.Id}";
        }
    });

    private async Task<string> StartAsync() => "sess=" + SessionCookieValue(await RawHttp.SendAsync(Server!.Port, "GET", "/"));

    private static readonly TimeSpan DefaultIdle = TimeSpan.FromDays(14);

    private static readonly TimeSpan DefaultTouchAfter = DefaultIdle / 10;

    // where a write that moves the idle expiry puts it: never later than the idle timeout from now, and at most about
    // half TouchAfter earlier (a millisecond per second into a step of half TouchAfter, and the rounding to milliseconds)
    private static NUnit.Framework.Constraints.RangeConstraint MovedExpiry(DateTimeOffset now, TimeSpan idle, TimeSpan touchAfter) =>
        Is.InRange(now + idle - touchAfter / 2 - touchAfter / 2000 - TimeSpan.FromMilliseconds(2), now + idle);

    // moves the clock at least one whole step of half TouchAfter on, to where the idle expiry of a write made now is
    // offset into its step: steps of the expiry are counted from the Unix epoch
    private void AdvanceIntoStep(TimeSpan idle, TimeSpan touchAfter, TimeSpan offset)
    {
        long step = (long)touchAfter.TotalMilliseconds / 2;
        long into = (Clock.GetUtcNow() + idle).ToUnixTimeMilliseconds() % step;
        Clock.Advance(TimeSpan.FromMilliseconds(step + ((long)offset.TotalMilliseconds - into + step) % step));
    }

    [Test]
    public async Task Idle_session_expires_and_a_write_slides_the_expiry()
    {
        var options = Options();
        options.TouchAfter = Timeout.InfiniteTimeSpan;
        await ReconnectAsync(options);
        ServeRoutes();
        var cookie = await StartAsync();
        Clock.Advance(TimeSpan.FromDays(13));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie)), Does.StartWith("2 "));
        Clock.Advance(TimeSpan.FromDays(13));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: " + cookie)), Is.EqualTo("2"), "the write at day 13 moved the expiry");
        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMilliseconds(1));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: " + cookie)), Is.EqualTo("0"), "expired, though still stored");
    }

    [Test]
    public async Task Reads_extend_the_idle_expiry_at_most_once_per_touch_interval()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var id = cookie[5..25];
        Store.Reset();
        Clock.Advance(TimeSpan.FromDays(1));
        var early = await RawHttp.SendAsync(Server!.Port, "GET", "/peek", "Cookie: " + cookie);
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.Zero, "a day is less than TouchAfter (1.4 days by default)");
        Assert.That(SessionCookieValue(early), Is.Null);

        Clock.Advance(TimeSpan.FromDays(1));
        var touched = await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: " + cookie);
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(1), "one small update");
        var record = await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default);
        Assert.That(record!.ExpiresAt, Is.EqualTo(Clock.GetUtcNow().AddDays(14)));
        Assert.That(record.Data.ToDictionary()["views"], Is.EqualTo(1L), "no data written");
        Assert.That(RawHttp.HeaderLines(touched, "Set-Cookie").Single(), Does.Contain("Max-Age=1209600"), "the cookie moves with the store");

        await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: " + cookie);
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(1), "not again right away");
    }

    [Test]
    public async Task The_absolute_timeout_ends_an_active_session_and_caps_the_cookie()
    {
        var options = Options();
        options.AbsoluteTimeout = TimeSpan.FromHours(8);
        await ReconnectAsync(options);
        ServeRoutes();
        var start = await RawHttp.SendAsync(Server!.Port, "GET", "/");
        var cookie = "sess=" + SessionCookieValue(start);
        Assert.That(RawHttp.HeaderLines(start, "Set-Cookie").Single(), Does.Contain("Max-Age=28800"), "the cookie never outlives the deadline");
        for (int hour = 1; hour < 8; hour++)
        {
            Clock.Advance(TimeSpan.FromHours(1));
            var visit = await RawHttp.SendAsync(Server.Port, "GET", "/", "Cookie: " + cookie);
            Assert.That(RawHttp.Body(visit), Does.StartWith($"{hour + 1} "));
            Assert.That(RawHttp.HeaderLines(visit, "Set-Cookie"), Is.Empty, "an hour is less than TouchAfter: the cookie the browser holds still ends at the deadline");
        }
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: " + cookie)), Is.EqualTo("0"), "ended at 8 hours despite activity");
        Assert.That(await MongoSess.RemoveExpiredAsync(), Is.EqualTo(1), "the sweep removes it too");
    }

    [Test]
    public async Task Regeneration_keeps_the_absolute_deadline()
    {
        var options = Options();
        options.AbsoluteTimeout = TimeSpan.FromHours(8);
        await ReconnectAsync(options);
        Serve(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/regenerate")
            {
                await session.RegenerateAsync();
                return session.Id!;
            }
            await session.SetAsync("a", 1);
            return session.Id!;
        });
        var cookie = "sess=" + SessionCookieValue(await RawHttp.SendAsync(Server!.Port, "GET", "/"));
        Clock.Advance(TimeSpan.FromHours(3));
        var regenerated = await RawHttp.SendAsync(Server.Port, "GET", "/regenerate", "Cookie: " + cookie);
        var record = await Store.Inner.LoadAsync(RawHttp.Body(regenerated), Clock.GetUtcNow(), default);
        Assert.That(record!.AbsoluteExpiresAt, Is.EqualTo(Clock.GetUtcNow().AddHours(5)));
        Assert.That(RawHttp.HeaderLines(regenerated, "Set-Cookie").Single(), Does.Contain("Max-Age=18000"));
    }

    [Test]
    public async Task A_write_after_expiry_starts_a_new_session_and_never_revives_the_old_id()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var oldId = cookie["sess=".Length..][..20];
        Clock.Advance(TimeSpan.FromDays(15));
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(raw), Does.StartWith("1 ").And.Not.Contain(oldId));
        Assert.That(SessionCookieValue(raw), Does.Not.StartWith(oldId));
        Assert.That(await Store.Inner.LoadAsync(oldId, Clock.GetUtcNow().AddDays(-15), default), Is.Not.Null.And.Property("ExpiresAt").LessThan(Clock.GetUtcNow()),
            "the old record was not extended");
    }

    [Test]
    public async Task End_deletes_the_session_and_expires_the_cookie()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/end", "Cookie: " + cookie);
        var line = RawHttp.HeaderLines(raw, "Set-Cookie").Single();
        Assert.That(line, Does.StartWith("sess=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
        Assert.That(await Store.Inner.CountAsync(Clock.GetUtcNow(), default), Is.Zero);
        var after = await RawHttp.SendAsync(Server.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(after), Does.StartWith("1 ").And.Not.Contain(cookie[5..25]), "a stolen old cookie gives nothing");
    }

    [Test]
    public async Task A_session_ended_elsewhere_is_not_recreated_by_a_write()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var id = cookie[5..25];
        await Store.Inner.EndAsync(id, null, default);
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(raw), Does.StartWith("1 ").And.Not.Contain(id));
        Assert.That(await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default), Is.Null);
    }

    [Test]
    public async Task Expire_makes_a_browser_session_cookie_that_later_writes_keep()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var id = cookie[5..25];
        var before = (await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!.ExpiresAt;
        Clock.Advance(TimeSpan.FromMinutes(5));
        var expired = RawHttp.HeaderLines(await RawHttp.SendAsync(Server!.Port, "GET", "/expire", "Cookie: " + cookie), "Set-Cookie").Single();
        Assert.That(expired, Does.StartWith("sess=" + id).And.Not.Contain("Max-Age").And.Not.Contain("Expires"));
        Assert.That((await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!.ExpiresAt, Is.EqualTo(before), "the stored expiry is unchanged");

        // two days on, a write moves the stored expiry; the browser-session cookie it would send is the one the browser
        // holds, byte for byte, so none is sent, and none with a lifetime either
        Clock.Advance(TimeSpan.FromDays(2));
        var later = await RawHttp.SendAsync(Server.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(later), Does.StartWith("2 "));
        Assert.That(RawHttp.HeaderLines(later, "Set-Cookie"), Is.Empty);
        var record = (await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!;
        Assert.That(record.BrowserSessionCookie, Is.True);
        Assert.That(record.ExpiresAt, MovedExpiry(Clock.GetUtcNow(), DefaultIdle, DefaultTouchAfter), "the write moved the stored expiry");
    }

    [Test]
    public async Task A_write_moves_the_expiry_and_resends_the_cookie_only_once_per_half_touch_after()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var id = cookie[5..25];
        Store.Reset();

        // the first write of a step (half of TouchAfter, 0.7 days by default) moves the expiry, and the cookie follows
        AdvanceIntoStep(DefaultIdle, DefaultTouchAfter, TimeSpan.FromMinutes(1));
        var first = await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(first), Does.StartWith("2 "));
        var moved = (await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!.ExpiresAt;
        Assert.That(moved, MovedExpiry(Clock.GetUtcNow(), DefaultIdle, DefaultTouchAfter));
        var line = RawHttp.HeaderLines(first, "Set-Cookie").Single();
        Assert.That(RawHttp.CookieAttribute(line, "Expires"), Is.EqualTo(moved.UtcDateTime.ToString("r")), "browser and store agree");
        Assert.That(line, Does.Contain($"Max-Age={(long)(moved - Clock.GetUtcNow()).TotalSeconds};"));

        // the step's later writes are stored, and leave the expiry and the cookie alone
        foreach (var wait in new[] { TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromHours(16) })
        {
            Clock.Advance(wait);
            var later = await RawHttp.SendAsync(Server.Port, "GET", "/", "Cookie: " + cookie);
            Assert.That(RawHttp.HeaderLines(later, "Set-Cookie"), Is.Empty, $"{wait} later in the same step");
            Assert.That(RawHttp.HeaderLines(later, "Cache-Control"), Is.Empty, "no cookie, so nothing for a cache to leak");
            Assert.That((await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!.ExpiresAt, Is.EqualTo(moved));
        }

        // the next step's first write moves it again
        Clock.Advance(TimeSpan.FromHours(1));
        var next = await RawHttp.SendAsync(Server.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(next), Does.StartWith("6 "));
        var stored = (await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!.ExpiresAt;
        Assert.That(stored, Is.GreaterThan(moved).And.Matches(MovedExpiry(Clock.GetUtcNow(), DefaultIdle, DefaultTouchAfter)));
        Assert.That(RawHttp.CookieAttribute(RawHttp.HeaderLines(next, "Set-Cookie").Single(), "Expires"), Is.EqualTo(stored.UtcDateTime.ToString("r")));
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(5), "one store call per write, moved or not");
    }

    [Test]
    public async Task A_browser_session_cookie_is_sent_once_and_again_only_to_re_sign_it()
    {
        var options = Options();
        options.Cookie.MaxAge = TimeSpan.Zero;
        options.TouchAfter = TimeSpan.Zero;
        await ReconnectAsync(options);
        ServeRoutes();
        var start = await RawHttp.SendAsync(Server!.Port, "GET", "/");
        Assert.That(RawHttp.HeaderLines(start, "Set-Cookie").Single(), Does.Not.Contain("Max-Age"));
        var cookie = "sess=" + SessionCookieValue(start);
        Clock.Advance(TimeSpan.FromHours(1));
        var visit = await RawHttp.SendAsync(Server.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.HeaderLines(visit, "Set-Cookie"), Is.Empty, "the expiry moved (TouchAfter is zero), the cookie has no lifetime to move");
        Assert.That((await Store.Inner.LoadAsync(cookie[5..25], Clock.GetUtcNow(), default))!.ExpiresAt, MovedExpiry(Clock.GetUtcNow(), DefaultIdle, TimeSpan.Zero));

        // after a key rotation the same write re-signs the cookie with the new key
        var rotated = Options(new Keyring(Keyring.GenerateSecret(), Secret));
        rotated.Cookie.MaxAge = TimeSpan.Zero;
        await ReconnectAsync(rotated);
        var resigned = await RawHttp.SendAsync(Server.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(resigned), Does.StartWith("3 "));
        var line = RawHttp.HeaderLines(resigned, "Set-Cookie").Single();
        Assert.That(line, Does.StartWith("sess=" + cookie[5..26]).And.Not.StartWith(cookie).And.Not.Contain("Max-Age"));
    }

    [Test]
    public async Task A_cookie_with_a_max_age_shorter_than_the_session_is_sent_with_every_write()
    {
        var options = Options();
        options.Cookie.MaxAge = TimeSpan.FromHours(1);
        await ReconnectAsync(options);
        ServeRoutes();
        var cookie = await StartAsync();
        Clock.Advance(TimeSpan.FromMinutes(50));
        var visit = await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(visit), Does.StartWith("2 "));
        Assert.That(RawHttp.HeaderLines(visit, "Set-Cookie").Single(), Does.Contain("Max-Age=3600"),
            "the stored expiry did not move (less than TouchAfter), but the cookie's own hour starts again, as it did before");
        Assert.That((await Store.Inner.LoadAsync(cookie[5..25], Clock.GetUtcNow(), default))!.ExpiresAt,
            Is.EqualTo(Clock.GetUtcNow().AddMinutes(-50).AddDays(14)));
    }

    [Test]
    public async Task A_touch_interval_longer_than_the_idle_timeout_still_keeps_an_active_session_alive()
    {
        var options = Options();
        options.Expires = TimeSpan.FromMinutes(30);
        options.TouchAfter = TimeSpan.FromHours(2);
        await ReconnectAsync(options);
        ServeRoutes();
        var cookie = await StartAsync();
        for (int visit = 2; visit <= 6; visit++)
        {
            // every 20 minutes for 100 minutes: each write is past half the idle timeout since the last move
            Clock.Advance(TimeSpan.FromMinutes(20));
            Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie)), Does.StartWith($"{visit} "));
        }
        Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server!.Port, "GET", "/peek", "Cookie: " + cookie)), Is.EqualTo("6"));
    }

    [Test]
    public async Task Cookie_lifetime_follows_the_stored_expiry_when_a_write_moves_it()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        Clock.Advance(TimeSpan.FromDays(3));
        var line = RawHttp.HeaderLines(await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie), "Set-Cookie").Single();
        var stored = (await Store.Inner.LoadAsync(cookie[5..25], Clock.GetUtcNow(), default))!.ExpiresAt;
        Assert.That(stored, MovedExpiry(Clock.GetUtcNow(), DefaultIdle, DefaultTouchAfter));
        Assert.That(line, Does.Contain($"Max-Age={(long)(stored - Clock.GetUtcNow()).TotalSeconds};").And.Contain("Expires=" + stored.UtcDateTime.ToString("r")));
    }

    [Test]
    public async Task The_sweep_removes_expired_sessions_on_its_interval()
    {
        var inner = new MemorySessionStore();
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cleanup = SessionCleanup.Sweep(TimeSpan.FromMinutes(10));
        options.Expires = TimeSpan.FromMinutes(30);
        await MongoSess.ConnectAsync(inner, options);
        ServeRoutes();
        await StartAsync();
        Assert.That(inner.StoredCount, Is.EqualTo(1));

        Clock.Advance(TimeSpan.FromMinutes(20));
        await WaitForSweepsAsync(2);
        Assert.That(inner.StoredCount, Is.EqualTo(1), "still live at 20 minutes");

        Clock.Advance(TimeSpan.FromMinutes(20));
        await WaitForSweepsAsync(4);
        Assert.That(inner.StoredCount, Is.Zero);
    }

    private static async Task WaitForSweepsAsync(int count)
    {
        var sweeper = MongoSess.DefaultClient!.Sweeper!;
        for (int i = 0; i < 500 && sweeper.CompletedSweeps < count; i++)
        {
            await Task.Delay(10);
        }
        Assert.That(sweeper.CompletedSweeps, Is.GreaterThanOrEqualTo(count));
    }

    private sealed class FailingSweepStore() : DelegatingSessionStore(new MemorySessionStore())
    {
        public int Attempts { get; private set; }

        public override ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            Attempts++;
            throw new IOException("disk unplugged");
        }
    }

    [Test]
    public async Task A_failed_sweep_is_logged_and_the_next_one_still_runs()
    {
        await MongoSess.CloseAsync();
        using var logs = new ListLoggerFactory();
        var failing = new FailingSweepStore();
        var options = Options();
        options.Cleanup = SessionCleanup.Sweep(TimeSpan.FromMinutes(1));
        options.LoggerFactory = logs;
        await MongoSess.ConnectAsync(failing, options);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await WaitForSweepsAsync(1);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await WaitForSweepsAsync(2);
        Assert.That(failing.Attempts, Is.EqualTo(2));
        Assert.That(logs.Lines.Count(l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("Sweeping expired sessions failed")), Is.EqualTo(2));
    }

    [Test]
    public async Task Close_waits_for_the_sweep_and_stops_it()
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cleanup = SessionCleanup.Sweep(TimeSpan.FromMinutes(1));
        var counting = new CountingStore(new MemorySessionStore());
        await MongoSess.ConnectAsync(counting, options);
        await MongoSess.CloseAsync();
        Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(50);
        Assert.That(counting.Calls(nameof(ISessionStore.RemoveExpiredAsync)), Is.Zero);
    }

    [Test]
    public async Task Cleanup_settings_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionCleanup.Sweep(TimeSpan.FromSeconds(-5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionCleanup.Sweep(TimeSpan.FromDays(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionCleanup.Lottery(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionCleanup.Lottery(0, 100));
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cleanup = SessionCleanup.TtlIndex;
        var e = Assert.ThrowsAsync<ArgumentException>(() => MongoSess.ConnectAsync(new MemorySessionStore(), options));
        Assert.That(e!.Message, Does.Contain("MongoDB"));
    }

    [Test]
    public async Task A_winning_lottery_sweeps_in_the_background_and_a_request_that_never_uses_the_session_never_draws()
    {
        var inner = new MemorySessionStore();
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cleanup = SessionCleanup.Lottery(1, 1);
        options.Expires = TimeSpan.FromMinutes(30);
        await MongoSess.ConnectAsync(inner, options);
        Serve(async (session, ctx) => ctx.Request.Url!.AbsolutePath == "/idle" ? "idle" : $"{await session.IncrementAsync("views")}");
        await RawHttp.SendAsync(Server!.Port, "GET", "/");
        var sweeper = MongoSess.DefaultClient!.Sweeper!;
        await WaitForSweepsAsync(1);
        Clock.Advance(TimeSpan.FromHours(1));
        await RawHttp.SendAsync(Server.Port, "GET", "/idle");
        Assert.That(sweeper.CompletedSweeps, Is.EqualTo(1), "no draw for a request that never used its session");
        Assert.That(inner.StoredCount, Is.EqualTo(1));
        await RawHttp.SendAsync(Server.Port, "GET", "/");
        await WaitForSweepsAsync(2);
        Assert.That(inner.StoredCount, Is.EqualTo(1), "the expired session was swept; the new one stays");
    }
}
