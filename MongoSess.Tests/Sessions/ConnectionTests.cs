using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class ConnectionTests : SessionTestBase
{
    [Test]
    public void Connecting_twice_is_a_clear_error()
    {
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => MongoSess.ConnectAsync(new MemorySessionStore(), Options()));
        Assert.That(e!.Message, Does.Contain("already connected").And.Contain("CloseAsync"));
        Assert.That(MongoSess.IsConnected, Is.True, "the first connection stays");
    }

    [Test]
    public async Task Using_a_session_before_connect_is_a_clear_error()
    {
        await MongoSess.CloseAsync();
        Assert.That(MongoSess.IsConnected, Is.False);
        Server = TestHttpServer.Start(async ctx =>
        {
            var e = Assert.Throws<InvalidOperationException>(() => _ = new MongoSess(ctx));
            var body = System.Text.Encoding.UTF8.GetBytes(e!.Message);
            await ctx.Response.OutputStream.WriteAsync(body);
        });
        using var client = Server.CreateRawClient();
        Assert.That(await GetTextAsync(client, "/"), Does.Contain("not connected").And.Contain("ConnectAsync"));
        Assert.That(Server.Errors, Is.Empty);
    }

    [Test]
    public async Task Close_twice_and_disconnect_alias_are_harmless()
    {
        await MongoSess.DisconnectAsync();
        Assert.That(MongoSess.IsConnected, Is.False);
        await MongoSess.CloseAsync();
        await MongoSess.ConnectAsync(new MemorySessionStore(), Options());
        Assert.That(MongoSess.IsConnected, Is.True);
    }

    [Test]
    public async Task Connect_without_options_works_with_a_random_key_and_warns()
    {
        await MongoSess.CloseAsync();
        var logs = new ListLoggerFactory();
        await MongoSess.ConnectAsync(new MemorySessionStore(), new MongoSessOptions { LoggerFactory = logs });
        Assert.That(logs.Lines.Any(l => l.Message.Contains("Keyring.GenerateSecret")), Is.True);
        await MongoSess.CloseAsync();
        await MongoSess.ConnectAsync(new MemorySessionStore());
        Assert.That(MongoSess.IsConnected, Is.True);
    }

    [TestCase(0)]
    [TestCase(-1)]
    public async Task Invalid_expiry_is_rejected_at_connect(int days)
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.Expires = TimeSpan.FromDays(days);
        var e = Assert.ThrowsAsync<ArgumentException>(() => MongoSess.ConnectAsync(new MemorySessionStore(), options));
        Assert.That(e!.Message, Does.Contain("Expires"));
        Assert.That(MongoSess.IsConnected, Is.False);
    }

    [TestCase("")]
    [TestCase("bad name")]
    [TestCase("semi;colon")]
    public async Task Invalid_cookie_name_is_rejected_at_connect(string name)
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.Cookie.Name = name;
        Assert.ThrowsAsync<ArgumentException>(() => MongoSess.ConnectAsync(new MemorySessionStore(), options));
    }

    [Test]
    public async Task Close_disposes_the_store()
    {
        var disposed = new DisposeTrackingStore();
        await MongoSess.CloseAsync();
        await MongoSess.ConnectAsync(disposed, Options());
        await MongoSess.CloseAsync();
        Assert.That(disposed.Disposed, Is.True);
    }

    private sealed class DisposeTrackingStore() : DelegatingSessionStore(new MemorySessionStore())
    {
        public bool Disposed { get; private set; }

        public override ValueTask DisposeAsync()
        {
            Disposed = true;
            return base.DisposeAsync();
        }
    }
}
