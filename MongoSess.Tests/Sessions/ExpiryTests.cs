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

    [Test]
    public async Task Idle_session_expires_and_a_write_slides_the_expiry()
    {
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
    public async Task A_write_after_expiry_starts_a_new_session_and_never_revives_the_old_id()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var oldId = cookie["sess=".Length..][..43];
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
        Assert.That(RawHttp.Body(after), Does.StartWith("1 ").And.Not.Contain(cookie[5..48]), "a stolen old cookie gives nothing");
    }

    [Test]
    public async Task A_session_ended_elsewhere_is_not_recreated_by_a_write()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var id = cookie[5..48];
        await Store.Inner.DestroyAsync(id, default);
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie);
        Assert.That(RawHttp.Body(raw), Does.StartWith("1 ").And.Not.Contain(id));
        Assert.That(await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default), Is.Null);
    }

    [Test]
    public async Task Expire_makes_a_browser_session_cookie_that_later_writes_keep()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        var id = cookie[5..48];
        var before = (await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!.ExpiresAt;
        Clock.Advance(TimeSpan.FromMinutes(5));
        var expired = RawHttp.HeaderLines(await RawHttp.SendAsync(Server!.Port, "GET", "/expire", "Cookie: " + cookie), "Set-Cookie").Single();
        Assert.That(expired, Does.StartWith("sess=" + id).And.Not.Contain("Max-Age").And.Not.Contain("Expires"));
        Assert.That((await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!.ExpiresAt, Is.EqualTo(before), "the stored expiry is unchanged");

        var later = RawHttp.HeaderLines(await RawHttp.SendAsync(Server.Port, "GET", "/", "Cookie: " + cookie), "Set-Cookie").Single();
        Assert.That(later, Does.Not.Contain("Max-Age"));
    }

    [Test]
    public async Task Cookie_lifetime_follows_the_stored_expiry_on_every_write()
    {
        ServeRoutes();
        var cookie = await StartAsync();
        Clock.Advance(TimeSpan.FromDays(3));
        var line = RawHttp.HeaderLines(await RawHttp.SendAsync(Server!.Port, "GET", "/", "Cookie: " + cookie), "Set-Cookie").Single();
        var stored = (await Store.Inner.LoadAsync(cookie[5..48], Clock.GetUtcNow(), default))!.ExpiresAt;
        Assert.That(line, Does.Contain("Max-Age=1209600").And.Contain("Expires=" + stored.UtcDateTime.ToString("r")));
    }

    [Test]
    public async Task The_sweep_removes_expired_sessions_on_its_interval()
    {
        var inner = new MemorySessionStore();
        await MongoSess.CloseAsync();
        var options = Options();
        options.SweepInterval = TimeSpan.FromMinutes(10);
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
        var sweeper = MongoSessions.Internal.SessionManager.Current!.Sweeper!;
        for (int i = 0; i < 500 && sweeper.CompletedSweeps < count; i++)
        {
            await Task.Delay(10);
        }
        Assert.That(sweeper.CompletedSweeps, Is.GreaterThanOrEqualTo(count));
    }

    [Test]
    public async Task Close_waits_for_the_sweep_and_stops_it()
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.SweepInterval = TimeSpan.FromMinutes(1);
        var counting = new CountingStore(new MemorySessionStore());
        await MongoSess.ConnectAsync(counting, options);
        await MongoSess.CloseAsync();
        Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(50);
        Assert.That(counting.Calls(nameof(ISessionStore.RemoveExpiredAsync)), Is.Zero);
    }

    [Test]
    public async Task Negative_sweep_interval_is_rejected()
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.SweepInterval = TimeSpan.FromSeconds(-5);
        Assert.ThrowsAsync<ArgumentException>(() => MongoSess.ConnectAsync(new MemorySessionStore(), options));
    }
}
