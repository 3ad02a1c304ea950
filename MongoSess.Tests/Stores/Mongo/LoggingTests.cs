using Microsoft.Extensions.Logging;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Mongo.Client;

[TestFixture]
public sealed class LoggingTests
{
    private const string Password = "log-Secret-99";

    [TearDown]
    public Task CloseAsync() => MongoSess.CloseAsync();

    [Test]
    public async Task Connect_index_creation_retries_and_close_are_logged_without_secrets_or_data()
    {
        await using var set = await MongoWireReplicaSet.StartAsync(options: new MongoWireServerOptions { Users = [new MongoWireUser("ann", Password)] });
        using var logs = new ListLoggerFactory();
        var options = MongoTestConnections.Options($"mongodb://ann:{Password}@{string.Join(",", set.Members.Select(m => m.HostAndPort))}/app?replicaSet={set.SetName}&authSource=admin");
        options.LoggerFactory = logs;
        await MongoSess.ConnectAsync(options);
        set.Primary.Faults.CloseAfterExecute("insert");
        await using (var server = TestHttpServer.Start(async (session, ctx) => { await session.SetAsync("card", "4111-secret-data"); return "ok"; }))
        {
            using var client = server.CreateRawClient();
            Assert.That(await client.GetStringAsync("/"), Is.EqualTo("ok"));
        }
        await MongoSess.CloseAsync();

        var text = string.Join("\n", logs.Lines.Select(l => $"{l.Level}: {l.Message}"));
        Assert.That(text, Does.Contain("Connected to MongoDB app.sessions"));
        Assert.That(text, Does.Contain("TTL indexes on app.sessions"));
        Assert.That(text, Does.Contain("Retrying insert"));
        Assert.That(text, Does.Contain("MongoSess closed"));
        Assert.That(text, Does.Not.Contain(Password).And.Not.Contain("4111-secret-data"));
    }

    [Test]
    public async Task A_failed_login_is_logged_as_an_error_without_the_password()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("ann", Password)] });
        using var logs = new ListLoggerFactory();
        var options = MongoTestConnections.Options($"mongodb://ann:not-{Password}@{server.HostAndPort}/?authSource=admin");
        options.LoggerFactory = logs;
        Assert.ThrowsAsync<MongoSessAuthenticationException>(() => MongoSess.ConnectAsync(options));
        var errors = logs.Lines.Where(l => l.Level == LogLevel.Error).Select(l => l.Message).ToList();
        Assert.That(errors, Has.Some.Contains("Authentication failed"));
        Assert.That(string.Join("\n", logs.Lines.Select(l => l.Message)), Does.Not.Contain(Password));
    }
}
