using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

/// <summary>Several configurations in one process: each <see cref="MongoSessClient"/> has its own store, cookie and timeouts.</summary>
[TestFixture]
public sealed class ClientTests
{
    [Test]
    public async Task Two_clients_run_side_by_side_with_their_own_cookie_store_and_idle_timeout()
    {
        var clock = new FakeClock();
        var siteStore = new MemorySessionStore();
        var adminStore = new MemorySessionStore();
        await using var site = await MongoSessClient.ConnectAsync(siteStore, new MongoSessOptions
        {
            Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) },
            TimeProvider = clock,
        });
        await using var admin = await MongoSessClient.ConnectAsync(adminStore, new MongoSessOptions
        {
            Cookie = new SessionCookieOptions { Name = "admin", Keys = new Keyring(Keyring.GenerateSecret()) },
            Expires = TimeSpan.FromMinutes(15),
            TimeProvider = clock,
        });
        await using var server = TestHttpServer.Start(async ctx =>
        {
            var session = ctx.Request.Url!.AbsolutePath.StartsWith("/admin", StringComparison.Ordinal) ? admin.Open(ctx) : site.Open(ctx);
            var body = System.Text.Encoding.UTF8.GetBytes((await session.IncrementAsync("n")).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await ctx.Response.OutputStream.WriteAsync(body);
        });
        using var browser = server.CreateBrowser();

        Assert.That(await browser.GetStringAsync("/"), Is.EqualTo("1"));
        Assert.That(await browser.GetStringAsync("/admin"), Is.EqualTo("1"), "the admin area has a session of its own");
        Assert.That(await browser.GetStringAsync("/"), Is.EqualTo("2"));
        Assert.That(await site.CountAsync(), Is.EqualTo(1));
        Assert.That(await admin.CountAsync(), Is.EqualTo(1));
        Assert.That(MongoSess.IsConnected, Is.False, "the static default client is not involved");

        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.That(await browser.GetStringAsync("/admin"), Is.EqualTo("1"), "the admin session idled out after 15 minutes");
        Assert.That(await browser.GetStringAsync("/"), Is.EqualTo("3"), "the site's (14 days) did not");
    }

    [Test]
    public async Task A_disposed_client_disposes_its_store_once_and_store_wide_calls_name_keys()
    {
        var store = new CountingStore(new MemorySessionStore());
        var client = await MongoSessClient.ConnectAsync(store, new MongoSessOptions { Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) } });
        Assert.That(await client.EndAsync("no-such-key"), Is.False);
        Assert.That(await client.EndWhereAsync("user", "ann"), Is.Zero);
        Assert.That(await client.RemoveExpiredAsync(), Is.Zero);
        await client.DisposeAsync();
        await client.DisposeAsync();
        Assert.That(store.Calls(nameof(ISessionStore.DisposeAsync)), Is.EqualTo(1));
    }
}
