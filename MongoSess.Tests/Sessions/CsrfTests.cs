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
            "/set" => await SetAsync(session),
            _ => "?",
        };
    });

    private static string? CsrfCookieValue(string raw) => SessionCookieValue(raw, "sess.csrf");

    // a first visit with no session: the token it was given, and its CSRF cookie as "sess.csrf=..."
    private async Task<(string Token, string CsrfCookie)> VisitWithoutSessionAsync()
    {
        var first = await RawHttp.SendAsync(Server!.Port, "GET", "/token");
        return (RawHttp.Body(first), "sess.csrf=" + CsrfCookieValue(first));
    }

    private static async Task<string> SetAsync(MongoSess session)
    {
        await session.SetAsync("a", 1);
        return "ok";
    }

    [Test]
    public async Task A_visitor_without_a_session_gets_a_token_in_a_signed_cookie_and_costs_no_storage()
    {
        ServeRoutes();
        var first = await RawHttp.SendAsync(Server!.Port, "GET", "/token");
        var token = RawHttp.Body(first);
        Assert.That(token, Does.Match("^[A-Za-z0-9_-]{64}$"), "48 random bytes, base64url");
        Assert.That(SessionCookieValue(first), Is.Null, "no session");
        var csrfLine = RawHttp.HeaderLines(first, "Set-Cookie").Single();
        Assert.That(csrfLine, Does.StartWith("sess.csrf=").And.Contain("HttpOnly").And.Not.Contain("Max-Age"), "a signed browser-session cookie");
        var csrfCookie = "Cookie: sess.csrf=" + CsrfCookieValue(first);
        for (int i = 0; i < 20; i++)
        {
            Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/token", csrfCookie)), Is.EqualTo(token), "the same token while the cookie lives");
        }
        Assert.That(Store.TotalCalls, Is.Zero, "a visitor who only looks, even at a form, costs the store nothing");
    }

    [Test]
    public async Task The_first_write_creates_a_session_that_adopts_the_sessionless_token()
    {
        ServeRoutes();
        var (token, csrfCookie) = await VisitWithoutSessionAsync();
        var write = await RawHttp.SendAsync(Server!.Port, "GET", "/set", "Cookie: " + csrfCookie);
        var both = $"Cookie: {csrfCookie}; sess={SessionCookieValue(write)}";
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/token", both)), Is.EqualTo(token), "the form rendered before the session still validates");
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/token", "Cookie: sess=" + SessionCookieValue(write))), Is.EqualTo(token), "kept in the session");
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/data", both)), Is.EqualTo("a"), "the token is not among the session's values");
    }

    [Test]
    public async Task Verification_accepts_only_the_browsers_own_token()
    {
        ServeRoutes();
        var (token, csrfCookie) = await VisitWithoutSessionAsync();
        var cookie = "Cookie: " + csrfCookie;
        var (otherToken, _) = await VisitWithoutSessionAsync();
        async Task<string> Verify(string? t, string? withCookie) =>
            RawHttp.Body(await RawHttp.SendAsync(Server!.Port, "GET", "/verify" + (t is null ? "" : "?t=" + Uri.EscapeDataString(t)), withCookie is null ? [] : [withCookie]));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Verify(token, cookie), Is.EqualTo("True"));
            Assert.That(await Verify(otherToken, cookie), Is.EqualTo("False"), "another browser's token");
            Assert.That(await Verify(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), cookie), Is.EqualTo("False"));
            Assert.That(await Verify("", cookie), Is.EqualTo("False"));
            Assert.That(await Verify(null, cookie), Is.EqualTo("False"));
            Assert.That(await Verify(token, null), Is.EqualTo("False"), "no cookie, no token");
            Assert.That(await Verify(token, "Cookie: sess.csrf=" + token + ".forged-signature-AAAAAAAAAAAAAAAAAAAAAAAAAAAA"), Is.EqualTo("False"), "an unsigned token cookie");
        });
        Assert.That(Store.TotalCalls, Is.Zero);
    }

    [Test]
    public async Task A_session_token_is_authoritative_over_the_cookie_and_regeneration_replaces_it()
    {
        ServeRoutes();
        var (token, csrfCookie) = await VisitWithoutSessionAsync();
        var write = await RawHttp.SendAsync(Server!.Port, "GET", "/set", "Cookie: " + csrfCookie);
        var cookie = $"Cookie: {csrfCookie}; sess={SessionCookieValue(write)}";
        var renewed = RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/new-token", cookie));
        Assert.That(renewed, Is.Not.EqualTo(token));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/verify?t=" + token, cookie)), Is.EqualTo("False"), "the old token, though the cookie still carries it");

        var login = await RawHttp.SendAsync(Server.Port, "GET", "/login", cookie);
        var afterLogin = RawHttp.Body(login).Split(' ');
        Assert.That(afterLogin[0], Is.EqualTo("True"));
        Assert.That(afterLogin[1], Is.Not.EqualTo(renewed), "a new session after login has a new token");
        var newCookie = $"Cookie: {csrfCookie}; sess={SessionCookieValue(login)}";
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/verify?t=" + afterLogin[1], newCookie)), Is.EqualTo("True"));
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
}
