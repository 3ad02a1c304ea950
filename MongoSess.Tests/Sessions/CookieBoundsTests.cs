using System.Text.RegularExpressions;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

/// <summary>Cookie options that no browser could honour are refused at connect, and the cookie never outlives its session.</summary>
[TestFixture]
public sealed partial class CookieBoundsTests : SessionTestBase
{
    private async Task<ArgumentException?> ConnectWithAsync(Action<SessionCookieOptions> configure)
    {
        await MongoSess.CloseAsync();
        var options = Options();
        configure(options.Cookie);
        return Assert.ThrowsAsync<ArgumentException>(() => MongoSess.ConnectAsync(new MemorySessionStore(), options));
    }

    [TestCase(401.0)]
    [TestCase(9000 * 365.0)]
    public async Task A_max_age_beyond_400_days_is_refused_at_connect(double days)
    {
        var e = await ConnectWithAsync(c => c.MaxAge = TimeSpan.FromDays(days));
        Assert.That(e!.Message, Does.Contain("400 days"));
        Assert.That(MongoSess.IsConnected, Is.False);
    }

    [Test]
    public async Task TimeSpan_MaxValue_as_max_age_is_refused_at_connect_and_stores_nothing()
    {
        var e = await ConnectWithAsync(c => c.MaxAge = TimeSpan.MaxValue);
        Assert.That(e!.Message, Does.Contain("400 days"));
        // a per-request override is checked the same way, before anything is stored
        await ReconnectAsync(Options());
        int updates = Store.Calls(nameof(ISessionStore.UpdateAsync));
        Serve(async (_, ctx) =>
        {
            try
            {
                var session = new MongoSess(ctx.Request, ctx.Response, new SessionCookieOptions { MaxAge = TimeSpan.MaxValue });
                await session.SetAsync("a", 1);
                return "stored";
            }
            catch (ArgumentException refused)
            {
                return refused.Message;
            }
        });
        var body = RawHttp.Body(await RawHttp.SendAsync(Server!.Port, "GET", "/"));
        Assert.That(body, Does.Contain("400 days"));
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(updates), "no orphaned session was stored");
    }

    [Test]
    public async Task Four_hundred_days_is_accepted()
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cookie.MaxAge = TimeSpan.FromDays(400);
        await MongoSess.ConnectAsync(new MemorySessionStore(), options);
        Assert.That(MongoSess.IsConnected, Is.True);
    }

    [TestCase("a=b")]
    [TestCase("a.com,b.com")]
    [TestCase("exa mple.com")]
    [TestCase("-bad.example")]
    [TestCase("example..com")]
    [TestCase("")]
    [TestCase("example.com;")]
    public async Task A_domain_that_is_not_a_host_name_is_refused(string domain)
    {
        var e = await ConnectWithAsync(c => c.Domain = domain);
        Assert.That(e!.Message, Does.Contain("host name"));
    }

    [TestCase("example.com")]
    [TestCase(".example.com")]
    [TestCase("shop-1.sub.example.test")]
    public async Task Host_names_are_accepted_as_domain(string domain)
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cookie.Domain = domain;
        await MongoSess.ConnectAsync(new MemorySessionStore(), options);
        Assert.That(MongoSess.IsConnected, Is.True);
    }

    [Test]
    public async Task An_explicit_max_age_never_lets_the_cookie_outlive_the_absolute_timeout()
    {
        var options = Options();
        options.Cookie.MaxAge = TimeSpan.FromDays(30);
        options.AbsoluteTimeout = TimeSpan.FromHours(1);
        await ReconnectAsync(options);
        Serve(async (session, _) => $"{await session.IncrementAsync("n")}");
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/");
        var line = RawHttp.HeaderLines(raw, "Set-Cookie").Single();
        Assert.That(int.Parse(MaxAge().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(3600), line);
    }

    [Test]
    public async Task An_explicit_max_age_shorter_than_the_session_is_kept()
    {
        var options = Options();
        options.Cookie.MaxAge = TimeSpan.FromMinutes(5);
        await ReconnectAsync(options);
        Serve(async (session, _) => $"{await session.IncrementAsync("n")}");
        var line = RawHttp.HeaderLines(await RawHttp.SendAsync(Server!.Port, "GET", "/"), "Set-Cookie").Single();
        Assert.That(MaxAge().Match(line).Groups[1].Value, Is.EqualTo("300"), line);
    }

    [GeneratedRegex("Max-Age=([0-9]+)")]
    private static partial Regex MaxAge();
}
