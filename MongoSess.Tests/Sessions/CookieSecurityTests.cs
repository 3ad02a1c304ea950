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

    private TestHttpServer ServeUser() => Serve(async (session, ctx) =>
    {
        if (ctx.Request.Url!.AbsolutePath == "/login")
        {
            await session.SetAsync("user", ctx.Request.QueryString["as"]);
            return "ok";
        }
        return await session.GetAsync<string>("user") ?? "nobody";
    });

    private async Task<string> LoginAsync(string user)
    {
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/login?as=" + user);
        return SessionCookieValue(raw)!;
    }

    [Test]
    public async Task A_session_cookie_smuggled_after_a_comma_in_another_cookie_is_not_read()
    {
        ServeUser();
        var attacker = await LoginAsync("attacker");
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/", $"Cookie: x=a,sess={attacker}");
        Assert.That(RawHttp.Body(raw), Is.EqualTo("nobody"), "RFC 6265: a comma does not end a cookie");
    }

    [Test]
    public async Task Two_different_valid_session_cookies_open_neither_session()
    {
        ServeUser();
        var victim = await LoginAsync("victim");
        var attacker = await LoginAsync("attacker");
        foreach (var header in new[] { $"Cookie: sess={attacker}; sess={victim}", $"Cookie: sess={victim}; sess={attacker}" })
        {
            int loads = Store.Calls(nameof(ISessionStore.LoadAsync));
            var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/", header);
            Assert.That(RawHttp.Body(raw), Is.EqualTo("nobody"), "a tossed cookie decides nothing, whatever its place: " + header);
            Assert.That(Store.Calls(nameof(ISessionStore.LoadAsync)), Is.EqualTo(loads), "and costs no store read");
        }
    }

    [Test]
    public async Task The_same_session_cookie_twice_or_beside_a_broken_one_still_opens_the_session()
    {
        ServeUser();
        var victim = await LoginAsync("victim");
        var forged = victim[..^4] + "AAAA";
        foreach (var header in new[] { $"Cookie: sess={victim}; sess={victim}", $"Cookie: sess={forged}; sess={victim}", $"Cookie: sess={victim}; sess=garbage" })
        {
            var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/", header);
            Assert.That(RawHttp.Body(raw), Is.EqualTo("victim"), header);
        }
    }

    [Test]
    public async Task On_https_the_cookie_is_host_prefixed_and_only_the_prefixed_cookie_is_read()
    {
        await UseCookieAsync(c => c.TrustProxy = true);
        ServeUser();
        const string Https = "X-Forwarded-Proto: https";
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/login?as=ann", Https);
        var line = RawHttp.HeaderLines(raw, "Set-Cookie").Single();
        Assert.That(line, Does.StartWith("__Host-sess=").And.Contain("; Path=/;").And.Contain("; Secure").And.Not.Contain("Domain="));
        var value = SessionCookieValue(raw, "__Host-sess")!;
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/", Https, $"Cookie: __Host-sess={value}")), Is.EqualTo("ann"));
        // a sibling subdomain can set "sess" for the whole domain, never "__Host-sess": the plain name is not read here
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/", Https, $"Cookie: sess={value}")), Is.EqualTo("nobody"));
        // on plain HTTP the plain name is used, and the prefixed one is not
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/", $"Cookie: __Host-sess={value}")), Is.EqualTo("nobody"));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/", $"Cookie: sess={value}")), Is.EqualTo("ann"));
    }

    [TestCase(false, "/", null)]
    [TestCase(true, "/app", null)]
    [TestCase(true, "/", "example.test")]
    public async Task The_host_prefix_is_left_off_when_turned_off_or_when_path_or_domain_forbid_it(bool hostPrefix, string path, string? domain)
    {
        await UseCookieAsync(c =>
        {
            c.HostPrefix = hostPrefix;
            c.Path = path;
            c.Domain = domain;
            c.Secure = CookieSecurePolicy.Always;
        });
        ServeWrite();
        var line = RawHttp.HeaderLines(await RawHttp.SendAsync(Server!.Port, "GET", path), "Set-Cookie").Single();
        Assert.That(line, Does.StartWith("sess=").And.Contain("; Secure"));
    }

    [TestCase("__HOST-sess")]
    [TestCase("__secure-sess")]
    public async Task Prefixes_are_recognised_whatever_their_case(string name)
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cookie.Name = name;
        options.Cookie.Secure = CookieSecurePolicy.Never;
        var e = Assert.ThrowsAsync<ArgumentException>(() => MongoSess.ConnectAsync(new MemorySessionStore(), options));
        Assert.That(e!.Message, Does.Contain("must be Secure"));
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
