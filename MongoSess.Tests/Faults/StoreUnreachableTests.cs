using System.Diagnostics;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Faults;

/// <summary>
/// The MongoDB store after its server goes away: operations fail with MongoSessConnectionException once the server
/// selection timeout has run out (not at once, not never), and work again when the server is back on its port.
/// </summary>
[TestFixture]
internal sealed class StoreUnreachableTests
{
    private const string Password = "unreachable-Secret-5";
    private const int SelectionTimeoutMs = 1000;

    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private static readonly MongoWireServerOptions s_serverOptions = new() { Users = [new MongoWireUser("app", Password)] };

    [Test]
    public async Task Operations_fail_with_a_connection_error_after_the_selection_timeout_and_recover_when_the_server_returns()
    {
        var server = MongoWireServer.Start(s_serverOptions);
        int port = server.Port;
        var data = server.Store;
        await using var store = await MongoTestConnections.ConnectAsync(MongoTestConnections.Options(
            $"mongodb://app:{Password}@{server.HostAndPort}/app?authSource=admin",
            $"&serverSelectionTimeoutMS={SelectionTimeoutMs}&connectTimeoutMS=2000"));
        var id = MongoSessions.Cookies.SessionToken.New();
        await store.UpdateAsync(new SessionUpdate(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Set("n", new MongoDB.Bson.BsonInt64(1))], s_now, s_now.AddHours(1), createIfMissing: true), default);
        await server.DisposeAsync();

        // the first command may still find the pooled connection and report it lost; from then on, no server is selectable
        Assert.ThrowsAsync<MongoSessConnectionException>(() => store.LoadAsync(id, s_now, default).AsTask().WaitAsync(s_limit));
        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<MongoSessConnectionException>(() => store.UpdateAsync(Increment(id), default).AsTask().WaitAsync(s_limit));
        var elapsed = watch.Elapsed;

        Assert.That(error!.Message, Does.Contain($"within {SelectionTimeoutMs} ms (serverSelectionTimeoutMS)"));
        Assert.That(error.Message, Does.Contain($"127.0.0.1:{port}").And.Not.Contain(Password).And.Not.Contain(id));
        // a lower bound only: it waited for a server to come back instead of failing on the spot
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(SelectionTimeoutMs - 50)));

        await using var restarted = new MongoWireServer(s_serverOptions with { Port = port }, data, null);
        var result = await RetryUntilAvailableAsync(() => store.UpdateAsync(Increment(id), default).AsTask());
        Assert.That(result?.Values.Find("n"), Is.EqualTo(new MongoDB.Bson.BsonInt64(2)), "the data outlived the outage; the failed increment was never applied");
    }

    [Test]
    public async Task The_per_request_api_surfaces_the_same_exception()
    {
        var server = MongoWireServer.Start();
        var options = MongoTestConnections.Options(server.ConnectionString, $"&serverSelectionTimeoutMS={SelectionTimeoutMs}&connectTimeoutMS=2000");
        await MongoSess.CloseAsync();
        await MongoSess.ConnectAsync(options);
        try
        {
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            await using var http = TestHttpServer.Start(async (session, _) =>
            {
                try
                {
                    return $"{await session.IncrementAsync("views")}";
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                    return "unavailable";
                }
            });
            using var browser = http.CreateBrowser();
            Assert.That(await browser.GetStringAsync("/"), Is.EqualTo("1"));
            await server.DisposeAsync();

            Assert.That(await browser.GetStringAsync("/").WaitAsync(s_limit), Is.EqualTo("unavailable"));
            Assert.That(await browser.GetStringAsync("/").WaitAsync(s_limit), Is.EqualTo("unavailable"));

            Assert.That(failures, Has.Count.EqualTo(2).And.All.TypeOf<MongoSessConnectionException>());
            Assert.That(failures.Last().Message, Does.Contain("serverSelectionTimeoutMS"));
        }
        finally
        {
            await MongoSess.CloseAsync();
        }
    }

    private static SessionUpdate Increment(string id) =>
        new(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Increment("n", 1)], s_now, s_now.AddHours(1), createIfMissing: false);

    // the monitor finds the server again on its next heartbeat; until then an operation may still time out
    private static async Task<T> RetryUntilAvailableAsync<T>(Func<Task<T>> operation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await operation().WaitAsync(s_limit);
            }
            catch (MongoSessConnectionException) when (deadline.Elapsed < s_limit)
            {
            }
        }
    }
}
