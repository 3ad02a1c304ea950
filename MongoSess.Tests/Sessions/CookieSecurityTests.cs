using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class CookieSecurityTests : SessionTestBase
{
    private async Task UseCookieAsync(Action<SessionCookieOptions> configure)
    {
        var options = Options();
        configure(options.Cookie);
        await ReconnectAsync(options);
    }

    private TestHttpServer ServeWrite() => Serve(async (session, ctx) =>
    {
        if (ctx.Request.Url!.AbsolutePath == "/cached")
        {
            ctx.Response.AddHeader("Cache-Control", "private, max-age=60");
        }
        if (ctx.Request.Url.AbsolutePath != "/read")
        {
            await session.SetAsync("a", 1);
        }
        return "ok";
    });

    [TestCase("X-Forwarded-Proto: https", true, true)]
    [TestCase("X-Forwarded-Proto: HTTPS", true, true)]
    [TestCase("X-Forwarded-Proto: http, https", true, false)]
    [TestCase("X-Forwarded-Proto: https", false, false)]
    [TestCase("X-Other: 1", true, false)]
    public async Task Forwarded_proto_counts_only_behind_a_trusted_proxy(string header, bool trustProxy, bool secure)
    {
        await UseCookieAsync(c => c.TrustProxy = trustProxy);
        ServeWrite();
        var line = RawHttp.HeaderLines(await RawHttp.SendAsync(Server!.Port, "GET", "/", header), "Set-Cookie").Single();
        Assert.That(line.Contains("; Secure"), Is.EqualTo(secure), line);
    }

    [Test]
    public async Task A_host_prefixed_cookie_is_always_secure()
    {
        await UseCookieAsync(c => c.Name = "__Host-sess");
        ServeWrite();
        var line = RawHttp.HeaderLines(await RawHttp.SendAsync(Server!.Port, "GET", "/"), "Set-Cookie").Single();
        Assert.That(line, Does.StartWith("__Host-sess=").And.Contain("; Path=/;").And.Contain("; Secure").And.Not.Contain("Domain"));
    }

    [TestCase("__Host-sess", "/", null, CookieSecurePolicy.Never, "must be Secure")]
    [TestCase("__Host-sess", "/app", null, CookieSecurePolicy.Always, "Path=/")]
    [TestCase("__Host-sess", "/", "example.test", CookieSecurePolicy.Always, "no Domain")]
    [TestCase("__Secure-sess", "/", null, CookieSecurePolicy.Never, "must be Secure")]
    public async Task Prefixed_names_refuse_attributes_browsers_would_reject(string name, string path, string? domain, CookieSecurePolicy secure, string message)
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cookie.Name = name;
        options.Cookie.Path = path;
        options.Cookie.Domain = domain;
        options.Cookie.Secure = secure;
        var e = Assert.ThrowsAsync<ArgumentException>(() => MongoSess.ConnectAsync(new MemorySessionStore(), options));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public async Task A_response_carrying_the_session_cookie_is_not_cacheable()
    {
        ServeWrite();
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/");
        Assert.That(RawHttp.HeaderLines(raw, "Cache-Control"), Is.EqualTo(new[] { "no-store" }));
    }

    [Test]
    public async Task The_applications_own_cache_control_is_kept()
    {
        ServeWrite();
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/cached");
        Assert.That(RawHttp.HeaderLines(raw, "Cache-Control"), Is.EqualTo(new[] { "private, max-age=60" }));
    }

    [Test]
    public async Task A_response_without_a_session_cookie_gets_no_cache_control()
    {
        ServeWrite();
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/read");
        Assert.That(RawHttp.HeaderLines(raw, "Cache-Control"), Is.Empty);
    }
}
