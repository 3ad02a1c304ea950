using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

/// <summary>A lifetime per session: a browser-session default, and "remember me" for 30 days, with cookie and store agreeing.</summary>
[TestFixture]
public sealed class RememberMeTests : SessionTestBase
{
    private static readonly TimeSpan Month = TimeSpan.FromDays(30);

    [SetUp]
    public Task ConfigureAsync()
    {
        var options = Options();
        // the demo's settings: a browser-session cookie and 30 minutes without a request, unless remembered
        options.Expires = TimeSpan.FromMinutes(30);
        options.Cookie.MaxAge = TimeSpan.Zero;
        return ReconnectAsync(options);
    }

    private TestHttpServer ServeRoutes() => Serve(async (session, ctx) =>
    {
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/login":
                await session.SetAsync("user", "ann");
                if (ctx.Request.QueryString["remember"] == "on")
                {
                    await session.SetLifetimeAsync(Month);
                }
                return session.Id!;
            case "/remember-until-close":
                await session.SetLifetimeAsync(Month, persistent: false);
                return session.Id!;
            case "/regenerate":
                return (await session.RegenerateAsync()).ToString();
            default:
                return (await session.IncrementAsync("views")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    });

    private static string CookieLine(string raw) => RawHttp.HeaderLines(raw, "Set-Cookie").Single(l => l.StartsWith("sess=", StringComparison.Ordinal));

    private async Task<DateTimeOffset> StoredExpiryAsync(string key) => (await Store.Inner.LoadAsync(key, Clock.GetUtcNow(), default))!.ExpiresAt;

    [Test]
    public async Task Without_remember_the_cookie_ends_with_the_browser_and_the_session_after_30_idle_minutes()
    {
        ServeRoutes();
        var login = await RawHttp.SendAsync(Server!.Port, "GET", "/login");
        var key = RawHttp.Body(login);

        Assert.That(CookieLine(login), Does.Not.Contain("Max-Age").And.Not.Contain("Expires"));
        Assert.That(await StoredExpiryAsync(key), Is.EqualTo(Clock.GetUtcNow().AddMinutes(30)));
        Clock.Advance(TimeSpan.FromMinutes(31));
        var cookie = "Cookie: sess=" + CookieLine(login)["sess=".Length..].Split(';')[0];
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/views", cookie)), Is.EqualTo("1"), "the session ended");
    }

    [Test]
    public async Task With_remember_the_cookie_and_the_store_keep_the_session_for_30_days_of_inactivity()
    {
        ServeRoutes();
        var login = await RawHttp.SendAsync(Server!.Port, "GET", "/login?remember=on");
        var key = RawHttp.Body(login);
        var cookie = "Cookie: sess=" + CookieLine(login)["sess=".Length..].Split(';')[0];

        Assert.That(CookieLine(login), Does.Contain("Max-Age=2592000"));
        Assert.That(await StoredExpiryAsync(key), Is.EqualTo(Clock.GetUtcNow().Add(Month)));

        // 29 days later, a write that reads nothing first still extends by the session's own 30 days
        Clock.Advance(TimeSpan.FromDays(29));
        Store.Reset();
        var visit = await RawHttp.SendAsync(Server.Port, "GET", "/views", cookie);
        Assert.That(RawHttp.Body(visit), Is.EqualTo("1"));
        Assert.That(CookieLine(visit), Does.Contain("Max-Age=2592000"));
        Assert.That(await StoredExpiryAsync(key), Is.EqualTo(Clock.GetUtcNow().Add(Month)));
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(2), "the write, then its expiry moved to the session's own timeout");

        // a minute later the store's expiry is right for the session's own timeout: one update, no cookie
        Clock.Advance(TimeSpan.FromMinutes(1));
        Store.Reset();
        var soon = await RawHttp.SendAsync(Server.Port, "GET", "/views", cookie);
        Assert.That(RawHttp.Body(soon), Is.EqualTo("2"));
        Assert.That(RawHttp.HeaderLines(soon, "Set-Cookie"), Is.Empty);
        Assert.That(await StoredExpiryAsync(key), Is.EqualTo(Clock.GetUtcNow().Add(Month) - TimeSpan.FromMinutes(1)));
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(1));
    }

    [Test]
    public async Task The_lifetime_survives_regeneration_and_a_non_persistent_one_keeps_a_browser_session_cookie()
    {
        ServeRoutes();
        var login = await RawHttp.SendAsync(Server!.Port, "GET", "/login?remember=on");
        var key = RawHttp.Body(login);
        var cookie = "Cookie: sess=" + CookieLine(login)["sess=".Length..].Split(';')[0];
        var regenerated = await RawHttp.SendAsync(Server.Port, "GET", "/regenerate", cookie);
        Assert.That(CookieLine(regenerated), Does.Contain("Max-Age=2592000"), "the login's choice stays with the session");
        Assert.That((await Store.Inner.LoadAsync(key, Clock.GetUtcNow(), default))!.IdleTimeout, Is.EqualTo(Month));

        var untilClose = await RawHttp.SendAsync(Server.Port, "GET", "/remember-until-close");
        Assert.That(CookieLine(untilClose), Does.Not.Contain("Max-Age"));
        Assert.That(await StoredExpiryAsync(RawHttp.Body(untilClose)), Is.EqualTo(Clock.GetUtcNow().Add(Month)));
    }

    [TestCase(0, true)]
    [TestCase(401, true)]
    [TestCase(3651, false)]
    public async Task A_lifetime_out_of_range_is_refused_and_nothing_is_stored(int days, bool persistent)
    {
        Serve(async (session, _) =>
        {
            try
            {
                await session.SetLifetimeAsync(TimeSpan.FromDays(days), persistent);
                return "accepted";
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "idleTimeout")
            {
                return "refused";
            }
        });
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/");
        Assert.That(RawHttp.Body(raw), Is.EqualTo("refused"));
        Assert.That(await Store.Inner.CountAsync(Clock.GetUtcNow(), default), Is.Zero);
    }
}
