using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class RegenerationTests : SessionTestBase
{
    private TestHttpServer ServeRoutes() => Serve(async (session, ctx) =>
    {
        try
        {
            switch (ctx.Request.Url!.AbsolutePath)
            {
                case "/signin":
                    await session.SetAsync("user", "ann");
                    return session.Id!;
                case "/login":
                    return $"{await session.RegenerateAsync()} {session.Id ?? "none"}";
                case "/logout":
                    await session.EndAsync();
                    return "ended";
                case "/peek":
                    return await session.GetAsync<string>("user") ?? "nobody";
                default:
                    return $"{await session.GetAsync<string>("user") ?? "nobody"} {await session.IncrementAsync("views")}";
            }
        }
        catch (MongoSessSessionReplacedException)
        {
            return "replaced";
        }
    });

    private async Task<string> SignInAsync()
    {
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/signin");
        return "sess=" + SessionCookieValue(raw);
    }

    private static string NewCookie(string rawResponse)
    {
        var lines = RawHttp.HeaderLines(rawResponse, "Set-Cookie");
        Assert.That(lines, Has.Count.EqualTo(1), "one cookie line, for the new token");
        return lines[0].Split(';')[0];
    }

    private async Task<HeldUpdateStore> HoldUpdatesAsync()
    {
        var held = new HeldUpdateStore(Store.Inner);
        await MongoSess.CloseAsync();
        await MongoSess.ConnectAsync(held, Options());
        return held;
    }

    [Test]
    public async Task Regeneration_gives_the_same_session_a_new_token_and_the_old_one_opens_nothing()
    {
        ServeRoutes();
        var oldCookie = await SignInAsync();
        var key = oldCookie[5..25];
        var created = (await Store.Inner.LoadAsync(key, Clock.GetUtcNow(), default))!.CreatedAt;
        Clock.Advance(TimeSpan.FromMinutes(5));

        var login = await RawHttp.SendAsync(Server!.Port, "GET", "/login", "Cookie: " + oldCookie);
        Assert.That(RawHttp.Body(login), Is.EqualTo("True " + key), "the key stays: it is not a credential");
        var newCookie = NewCookie(login);
        Assert.That(newCookie[5..69], Is.Not.EqualTo(oldCookie[5..69]), "a new token");
        Assert.That(newCookie, Does.StartWith("sess=" + key));

        var record = await Store.Inner.LoadAsync(key, Clock.GetUtcNow(), default);
        Assert.That(record!.TokenHash, Is.EqualTo(TestTokens.HashOf(newCookie[5..69])), "the store knows the new token's hash");
        Assert.That(record.TokenReplacedAt, Is.EqualTo(Clock.GetUtcNow()));
        Assert.That(record.CreatedAt, Is.EqualTo(created), "the creation time stays, for absolute timeouts");
        Assert.That(await Store.Inner.CountAsync(Clock.GetUtcNow(), default), Is.EqualTo(1), "one session, not a copy");

        Clock.Advance(MongoSess.ReplacedTokenGrace);
        var stolen = await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + oldCookie);
        Assert.That(RawHttp.Body(stolen), Is.EqualTo("nobody 1"), "the old cookie opens nothing");
        Assert.That(SessionCookieValue(stolen), Does.Not.StartWith(key), "its write started a session of its own");
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + newCookie)), Is.EqualTo("ann 1"));
    }

    [Test]
    public async Task Writes_acknowledged_on_the_old_cookie_while_a_regeneration_is_in_flight_are_kept()
    {
        ServeRoutes();
        var oldCookie = await SignInAsync();
        var held = await HoldUpdatesAsync();
        held.Arm();
        var login = RawHttp.SendAsync(Server!.Port, "GET", "/login", "Cookie: " + oldCookie);
        await held.Arrived;

        // other tabs, still on the old cookie, count while the login's store write waits
        for (int i = 1; i <= 5; i++)
        {
            Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + oldCookie)), Is.EqualTo($"ann {i}"));
        }
        held.Release();
        var newCookie = NewCookie(await login);

        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + newCookie)), Is.EqualTo("ann 6"), "all five acknowledged increments are there");
    }

    [TestCase("/logout")]
    [TestCase("destroy-where")]
    public async Task A_session_ended_while_a_regeneration_is_in_flight_stays_ended(string how)
    {
        ServeRoutes();
        var oldCookie = await SignInAsync();
        var key = oldCookie[5..25];
        var held = await HoldUpdatesAsync();
        held.Arm();
        var login = RawHttp.SendAsync(Server!.Port, "GET", "/login", "Cookie: " + oldCookie);
        await held.Arrived;

        if (how == "/logout")
        {
            // a logout in another tab
            Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/logout", "Cookie: " + oldCookie)), Is.EqualTo("ended"));
        }
        else
        {
            Assert.That(await MongoSess.EndWhereAsync("user", "ann"), Is.EqualTo(1));
        }
        held.Release();
        var raw = await login;

        Assert.That(RawHttp.Body(raw), Is.EqualTo("False none"), "regeneration reports that nothing was there");
        Assert.That(SessionCookieValue(raw), Is.Null, "no cookie for a session that does not exist");
        Assert.That(await Store.Inner.LoadAsync(key, Clock.GetUtcNow(), default), Is.Null);
        Assert.That(await Store.Inner.CountAsync(Clock.GetUtcNow(), default), Is.Zero, "nothing came back under another id either");
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: " + oldCookie)), Is.EqualTo("nobody"));
    }

    [Test]
    public async Task A_request_in_flight_with_the_old_cookie_sees_no_session_and_leaves_the_new_cookie_alone()
    {
        ServeRoutes();
        var oldCookie = await SignInAsync();
        var login = await RawHttp.SendAsync(Server!.Port, "GET", "/login", "Cookie: " + oldCookie);
        var newCookie = NewCookie(login);
        Clock.Advance(TimeSpan.FromSeconds(2));

        // requests the browser sent before the login's answer arrived, reaching the server after it
        var read = await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: " + oldCookie);
        var write = await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + oldCookie);
        var logout = await RawHttp.SendAsync(Server.Port, "GET", "/logout", "Cookie: " + oldCookie);
        Assert.Multiple(() =>
        {
            Assert.That(RawHttp.Body(read), Is.EqualTo("nobody"), "the old token opens nothing");
            Assert.That(RawHttp.Body(write), Is.EqualTo("replaced"), "a write would start a session: it is refused instead");
            Assert.That(RawHttp.Body(logout), Is.EqualTo("replaced"), "ending would delete the new cookie: refused too");
            Assert.That(RawHttp.HeaderLines(read, "Set-Cookie").Concat(RawHttp.HeaderLines(write, "Set-Cookie")).Concat(RawHttp.HeaderLines(logout, "Set-Cookie")),
                Is.Empty, "no response overwrites the login's cookie");
        });
        Assert.That(await Store.Inner.CountAsync(Clock.GetUtcNow(), default), Is.EqualTo(1), "no empty session was started");
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + newCookie)), Is.EqualTo("ann 1"), "still logged in");

        // a browser that never got the new cookie is not stuck: after the grace period its old cookie is just ended
        Clock.Advance(MongoSess.ReplacedTokenGrace);
        var late = await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + oldCookie);
        Assert.That(RawHttp.Body(late), Is.EqualTo("nobody 1"));
        Assert.That(SessionCookieValue(late), Is.Not.Null);
    }

    [Test]
    public async Task Regeneration_costs_one_store_write_and_no_read()
    {
        ServeRoutes();
        var cookie = await SignInAsync();
        Store.Reset();
        await RawHttp.SendAsync(Server!.Port, "GET", "/login", "Cookie: " + cookie);
        Assert.That(Store.TotalCalls, Is.EqualTo(1));
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(1));
    }

    [Test]
    public async Task A_message_flashed_before_regeneration_shows_on_the_next_request()
    {
        var text = await RoundTripAsync(
            async s =>
            {
                await s.SetAsync("user", "ann");
                await s.FlashAsync("message", "Welcome, ann");
                await s.RegenerateAsync();
            },
            async s => $"{await s.GetFlashAsync<string>("message")}|{await s.GetFlashAsync<string>("message")}");
        Assert.That(text, Is.EqualTo("Welcome, ann|Welcome, ann"), "moved with the session, readable throughout the next request");
    }

    [Test]
    public async Task Regeneration_without_a_session_does_nothing()
    {
        ServeRoutes();
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/login");
        Assert.That(RawHttp.Body(raw), Is.EqualTo("False none"));
        Assert.That(SessionCookieValue(raw), Is.Null);
    }
}
