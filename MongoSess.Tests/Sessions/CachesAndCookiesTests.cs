using System.Net;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

/// <summary>Vary: Cookie on responses that depend on the session, and the application's own cookies beside the session's.</summary>
[TestFixture]
public sealed class CachesAndCookiesTests : SessionTestBase
{
    private TestHttpServer ServeRoutes() => Serve(async (session, ctx) =>
    {
        var response = ctx.Response;
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/untouched":
                return "static";
            case "/read":
                return await session.GetAsync<string>("user") ?? "nobody";
            case "/vary-merge":
                response.AddHeader("Vary", "Accept-Encoding");
                return await session.GetAsync<string>("user") ?? "nobody";
            case "/app-cookie-first":
                response.AppendCookie(new Cookie("theme", "dark") { Path = "/", HttpOnly = true });
                await session.SetAsync("user", "ann");
                return "set";
            case "/set-cookie-first":
                response.SetCookie(new Cookie("theme", "light"));
                response.SetCookie(new Cookie("lang", "en"));
                await session.SetAsync("user", "ann");
                return "set";
            case "/app-cookie-after":
                await session.SetAsync("user", "ann");
                response.AppendCookie(new Cookie("theme", "dark") { Path = "/", HttpOnly = true });
                return "set";
            case "/set-cookie-after":
                await session.SetAsync("user", "ann");
                response.SetCookie(new Cookie("theme", "light"));
                response.SetCookie(new Cookie("lang", "en"));
                return "set";
            case "/between-two-writes":
                await session.SetAsync("user", "ann");
                response.AppendCookie(new Cookie("theme", "dark"));
                await session.RegenerateAsync();
                response.AppendCookie(new Cookie("lang", "en"));
                return "set";
            case "/header-set-after":
                response.AppendHeader("Set-Cookie", "old=1");
                await session.SetAsync("user", "ann");
                response.AddHeader("Set-Cookie", "theme=dark");
                return "set";
            case "/dated-header-first":
                response.AppendHeader("Set-Cookie", "theme=dark; Expires=Wed, 09 Jun 2027 10:18:14 GMT");
                await session.SetAsync("user", "ann");
                response.AppendCookie(new Cookie("lang", "en"));
                return "set";
            case "/raw-header-after":
                await session.SetAsync("user", "ann");
                response.AppendHeader("Set-Cookie", "theme=dark; Path=/");
                return "set";
            default:
                return "?";
        }
    });

    [Test]
    public async Task A_response_that_used_the_session_varies_on_cookie_and_one_that_did_not_does_not()
    {
        ServeRoutes();
        var untouched = await RawHttp.SendAsync(Server!.Port, "GET", "/untouched");
        var read = await RawHttp.SendAsync(Server.Port, "GET", "/read");
        var merged = await RawHttp.SendAsync(Server.Port, "GET", "/vary-merge");

        Assert.That(RawHttp.HeaderLines(untouched, "Vary"), Is.Empty);
        Assert.That(RawHttp.HeaderLines(read, "Vary"), Is.EqualTo(new[] { "Cookie" }), "read, even without a session");
        Assert.That(RawHttp.HeaderLines(merged, "Vary"), Is.EqualTo(new[] { "Accept-Encoding, Cookie" }));
    }

    [TestCase("/app-cookie-first", new[] { "theme=dark; Path=/; HttpOnly" })]
    [TestCase("/set-cookie-first", new[] { "theme=light", "lang=en" })]
    [TestCase("/raw-header-after", new[] { "theme=dark; Path=/" })]
    [TestCase("/app-cookie-after", new[] { "theme=dark; Path=/; HttpOnly" })]
    [TestCase("/set-cookie-after", new[] { "theme=light", "lang=en" })]
    [TestCase("/between-two-writes", new[] { "theme=dark", "lang=en" })]
    [TestCase("/header-set-after", new[] { "theme=dark" }, Description = "AddHeader replaces the application's Set-Cookie lines, not the session's")]
    [TestCase("/dated-header-first", new[] { "theme=dark; Expires=Wed, 09 Jun 2027 10:18:14 GMT", "lang=en" })]
    public async Task The_applications_cookies_and_the_session_cookie_each_get_a_line_of_their_own(string path, string[] applicationLines)
    {
        ServeRoutes();
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", path);
        var lines = RawHttp.HeaderLines(raw, "Set-Cookie");

        Assert.That(lines.Where(l => !l.StartsWith("sess=", StringComparison.Ordinal)), Is.EquivalentTo(applicationLines));
        Assert.That(lines.Count(l => l.StartsWith("sess=", StringComparison.Ordinal)), Is.EqualTo(1), string.Join(" | ", lines));
        var session = lines.Single(l => l.StartsWith("sess=", StringComparison.Ordinal));
        Assert.That(session, Does.Not.Contain("theme=").And.Not.Contain("lang="), "not joined with another cookie");
    }
}
