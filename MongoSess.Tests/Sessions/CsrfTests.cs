using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class CsrfTests : SessionTestBase
{
    private TestHttpServer ServeRoutes() => Serve(async (session, ctx) =>
    {
        var query = ctx.Request.QueryString;
        return ctx.Request.Url!.AbsolutePath switch
        {
            "/token" => await session.GetTokenAsync(),
            "/new-token" => await session.RegenerateTokenAsync(),
            "/verify" => (await session.VerifyTokenAsync(query["t"])).ToString(),
            "/login" => $"{await session.RegenerateAsync()} {await session.GetTokenAsync()}",
            "/data" => string.Join(",", (await session.GetAsync()).Keys),
            _ => "?",
        };
    });

    [Test]
    public async Task The_token_is_made_on_first_use_and_stays_for_the_session()
    {
        ServeRoutes();
        var first = await RawHttp.SendAsync(Server!.Port, "GET", "/token");
        var token = RawHttp.Body(first);
        var cookie = "Cookie: sess=" + SessionCookieValue(first);
        Assert.That(token, Does.Match("^[A-Za-z0-9_-]{43}$"), "32 random bytes, base64url");
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/token", cookie)), Is.EqualTo(token));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/data", cookie)), Is.Empty, "the token is not among the session's values");
    }

    [Test]
    public async Task Verification_accepts_only_the_sessions_own_token()
    {
        ServeRoutes();
        var first = await RawHttp.SendAsync(Server!.Port, "GET", "/token");
        var token = RawHttp.Body(first);
        var cookie = "Cookie: sess=" + SessionCookieValue(first);
        var otherToken = RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/token"));
        async Task<string> Verify(string? t, string? withCookie) =>
            RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/verify" + (t is null ? "" : "?t=" + Uri.EscapeDataString(t)), withCookie is null ? [] : [withCookie]));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Verify(token, cookie), Is.EqualTo("True"));
            Assert.That(await Verify(otherToken, cookie), Is.EqualTo("False"), "another session's token");
            Assert.That(await Verify(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), cookie), Is.EqualTo("False"));
            Assert.That(await Verify("", cookie), Is.EqualTo("False"));
            Assert.That(await Verify(null, cookie), Is.EqualTo("False"));
            Assert.That(await Verify(token, null), Is.EqualTo("False"), "no session");
        });
    }

    [Test]
    public async Task Verifying_without_a_session_creates_nothing()
    {
        ServeRoutes();
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/verify?t=anything");
        Assert.That(RawHttp.Body(raw), Is.EqualTo("False"));
        Assert.That(SessionCookieValue(raw), Is.Null);
        Assert.That(Store.TotalCalls, Is.Zero);
    }

    [Test]
    public async Task Regenerating_the_token_or_the_session_replaces_the_token()
    {
        ServeRoutes();
        var first = await RawHttp.SendAsync(Server!.Port, "GET", "/token");
        var token = RawHttp.Body(first);
        var cookie = "Cookie: sess=" + SessionCookieValue(first);
        var renewed = RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/new-token", cookie));
        Assert.That(renewed, Is.Not.EqualTo(token));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/verify?t=" + token, cookie)), Is.EqualTo("False"));

        var login = await RawHttp.SendAsync(Server.Port, "GET", "/login", cookie);
        var afterLogin = RawHttp.Body(login).Split(' ');
        Assert.That(afterLogin[0], Is.EqualTo("True"));
        Assert.That(afterLogin[1], Is.Not.EqualTo(renewed), "a new session after login has a new token");
        var newCookie = "Cookie: sess=" + SessionCookieValue(login);
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/verify?t=" + afterLogin[1], newCookie)), Is.EqualTo("True"));
    }
}
