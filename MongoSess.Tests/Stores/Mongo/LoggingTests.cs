using Microsoft.Extensions.Logging;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Stores.Mongo;

[TestFixture]
public sealed class LoggingTests
{
    private const string Password = "log-Secret-99";
    private const string SessionSecret = "4111-secret-data";

    [TearDown]
    public Task CloseAsync() => MongoSess.CloseAsync();

    [Test]
    public async Task Connect_writes_retries_and_close_are_logged_at_trace_without_secrets_or_data()
    {
        await using var set = await MongoWireReplicaSet.StartAsync(options: new MongoWireServerOptions { Users = [new MongoWireUser("ann", Password)] });
        using var logs = new ListLoggerFactory();
        var options = MongoTestConnections.Options($"mongodb://ann:{Password}@{string.Join(",", set.Members.Select(m => m.HostAndPort))}/app?replicaSet={set.SetName}&authSource=admin");
        options.LoggerFactory = logs;
        await MongoSess.ConnectAsync(options);
        // a retried write: the command, with the session value in it, is sent twice
        set.Primary.Faults.CloseAfterExecute("insert");
        await using (var server = TestHttpServer.Start(async (session, ctx) => { await session.SetAsync("card", SessionSecret); return "ok"; }))
        {
            using var client = server.CreateRawClient();
            Assert.That(await client.GetStringAsync("/"), Is.EqualTo("ok"));
        }
        await MongoSess.CloseAsync();

        Assert.That(set.Primary.Statistics.CommandCount("insert"), Is.EqualTo(2), "the insert was retried");
        var text = string.Join("\n", logs.Lines.Select(l => $"{l.Level}: {l.Message}"));
        Assert.That(text, Does.Contain("Connected to MongoDB app.sessions"));
        Assert.That(text, Does.Contain("TTL indexes on app.sessions"));
        Assert.That(text, Does.Contain("MongoSess closed"));
        Assert.That(logs.Lines.Where(l => l.Level <= LogLevel.Debug).Select(l => l.Message), Is.Not.Empty, "the driver's own topology and connection logs at Trace and Debug got through");
        Assert.That(text, Does.Contain("Connection closed").Or.Contain("Connection pool cleared").Or.Contain("Connection failed"), "the dropped connection was logged by the driver");
        Assert.That(text, Does.Not.Contain(Password).And.Not.Contain(SessionSecret), "no password and no session value, at any level");
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
        Assert.That(errors, Has.Some.Contains("Authentication failed").And.Some.Contains("'ann'"));
        Assert.That(string.Join("\n", logs.Lines.Select(l => l.Message)), Does.Not.Contain(Password));
    }
}
