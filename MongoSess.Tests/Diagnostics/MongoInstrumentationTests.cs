using System.Diagnostics;
using MongoSessions.Diagnostics;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Diagnostics;

// listeners are process-wide: no other fixture runs while these count; measurements are also picked by server port
[TestFixture]
[NonParallelizable]
internal sealed class MongoInstrumentationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static SessionUpdate Create(string id) =>
        new(id, [SessionOperation.Set("n", new MongoSessions.Bson.BsonInt64(0))], Now, Now.AddHours(1), createIfMissing: true);

    private static SessionUpdate Increment(string id) =>
        new(id, [SessionOperation.Increment("n", 1)], Now, Now.AddHours(1), createIfMissing: false);

    private static (double Used, double Idle, int Reports) Connections(MetricRecorder metrics, MongoWireServer server)
    {
        metrics.Clear();
        metrics.Observe();
        var reported = metrics.Of("mongosess.mongodb.pool.connections", ("server", server.HostAndPort));
        return (reported.Where(m => m.Tag("state") == "used").Sum(m => m.Value), reported.Where(m => m.Tag("state") == "idle").Sum(m => m.Value), reported.Count);
    }

    [Test]
    public async Task Pool_connections_are_reported_per_server_as_used_and_idle()
    {
        using var metrics = new MetricRecorder();
        await using var server = MongoWireServer.Start();
        var store = await MongoTestConnections.ConnectAsync(server);
        try
        {
            await store.CountAsync(Now, default);
            var pool = store.Client.Cluster.Pools.Single();
            var (used, idle, reports) = Connections(metrics, server);
            Assert.That((used, idle, reports), Is.EqualTo((0.0, (double)pool.IdleCount, 2)));
            Assert.That(idle, Is.GreaterThanOrEqualTo(1));

            var held = await pool.CheckOutAsync(default);
            (used, idle, _) = Connections(metrics, server);
            Assert.That((used, idle), Is.EqualTo((1.0, (double)pool.IdleCount)));
            pool.CheckIn(held);
            Assert.That(Connections(metrics, server).Used, Is.Zero);
        }
        finally
        {
            await store.DisposeAsync();
        }
        Assert.That(Connections(metrics, server).Reports, Is.Zero, "a closed pool is no longer reported");
    }

    [Test]
    public async Task Waiting_for_a_busy_pool_is_recorded()
    {
        using var metrics = new MetricRecorder();
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server, "&maxPoolSize=1");
        await store.CountAsync(Now, default);
        var pool = store.Client.Cluster.Pools.Single();
        var held = await pool.CheckOutAsync(default);
        metrics.Clear();

        var clock = Stopwatch.StartNew();
        var waiting = store.CountAsync(Now, default).AsTask();
        await Task.Delay(150);
        Assert.That(waiting.IsCompleted, Is.False, "the only connection is held");
        pool.CheckIn(held);
        await waiting;

        var waits = metrics.Of("mongosess.mongodb.pool.wait.duration", ("server", server.HostAndPort));
        Assert.That(waits.Select(w => w.Value).ToList(), Has.Count.EqualTo(1).And.All.InRange(0.14, clock.Elapsed.TotalSeconds), "seconds");
        Assert.That(waits.Single().Instrument.Unit, Is.EqualTo("s"));
    }

    [Test]
    public async Task A_retried_command_is_counted_by_command_and_server()
    {
        using var metrics = new MetricRecorder();
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server);
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);
        Assert.That(metrics.Of("mongosess.mongodb.retries", ("server", server.HostAndPort)), Is.Empty);

        server.Faults.CloseBeforeReply("find");
        Assert.That(await store.LoadAsync(id, Now, default), Is.Not.Null);

        var retries = metrics.Of("mongosess.mongodb.retries", ("server", server.HostAndPort));
        Assert.That(retries.Select(r => (r.Tag("operation"), r.Value)), Is.EqualTo(new[] { ("find", 1.0) }));
    }

    [Test]
    public async Task MongoDB_store_operations_are_traced_and_a_failure_marks_its_activity()
    {
        using var metrics = new MetricRecorder();
        using var traces = new ActivityRecorder();
        await using var server = MongoWireServer.Start();
        await using var store = new InstrumentedSessionStore(await MongoTestConnections.ConnectAsync(server));
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);
        await store.LoadAsync(id, Now, default);
        // a standalone has no retryable writes: the lost connection is the caller's error
        server.Faults.CloseBeforeReply("findAndModify");
        Assert.ThrowsAsync<MongoSessConnectionException>(async () => await store.UpdateAsync(Increment(id), default));

        var activities = traces.WithTag("session.hash", MongoSessions.Internal.SessionLogId.Of(id));
        Assert.That(activities.Select(a => (a.OperationName, a.GetTagItem("store"), a.Status)), Is.EqualTo(new[]
        {
            ("MongoSess store.update", (object?)"mongodb", ActivityStatusCode.Unset),
            ("MongoSess store.load", "mongodb", ActivityStatusCode.Unset),
            ("MongoSess store.update", "mongodb", ActivityStatusCode.Error),
        }));
        Assert.That(activities[2].GetTagItem("error.type"), Is.EqualTo("MongoSessions.MongoSessConnectionException"));
        var failed = metrics.Of("mongosess.store.operation.duration", ("store", "mongodb"), ("error.type", "MongoSessions.MongoSessConnectionException"));
        Assert.That(failed.Select(m => m.Tag("operation")), Is.EqualTo(new[] { "update" }));
    }
}
