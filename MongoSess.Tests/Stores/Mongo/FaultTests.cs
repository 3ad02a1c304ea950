using MongoSessions.Bson;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Mongo.Client;

[TestFixture]
internal sealed class FaultTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static SessionUpdate Create(string id) => new(id, [SessionOperation.Set("n", new BsonInt64(0))], Now, Now.AddHours(1), createIfMissing: true);

    private static SessionUpdate Increment(string id) => new(id, [SessionOperation.Increment("n", 1)], Now, Now.AddHours(1), createIfMissing: false);

    private static async Task<long> CounterAsync(ISessionStore store, string id) =>
        ((BsonInt64)(await store.LoadAsync(id, Now, default))!.Data.Find("n")!).Value;

    [Test]
    public async Task A_connection_dropped_after_the_write_is_retried_and_counted_once()
    {
        await using var set = await MongoWireReplicaSet.StartAsync();
        await using var store = await MongoTestConnections.ConnectAsync(MongoTestConnections.Options(set.ConnectionString));
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);

        set.Primary.Faults.CloseAfterExecute("findAndModify");
        var result = await store.UpdateAsync(Increment(id), default);

        Assert.That(result!.Values.Find("n"), Is.EqualTo(new BsonInt64(1)));
        Assert.That(await CounterAsync(store, id), Is.EqualTo(1), "applied exactly once although sent twice");
        Assert.That(set.Primary.Statistics.CommandCount("findAndModify"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_connection_dropped_before_the_write_is_retried()
    {
        await using var set = await MongoWireReplicaSet.StartAsync();
        await using var store = await MongoTestConnections.ConnectAsync(MongoTestConnections.Options(set.ConnectionString));
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        set.Primary.Faults.CloseBeforeReply("insert");
        await store.UpdateAsync(Create(id), default);
        Assert.That(await store.LoadAsync(id, Now, default), Is.Not.Null);
    }

    [Test]
    public async Task Not_writable_primary_once_is_retried_on_the_new_selection()
    {
        await using var set = await MongoWireReplicaSet.StartAsync();
        await using var store = await MongoTestConnections.ConnectAsync(MongoTestConnections.Options(set.ConnectionString));
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);
        set.Primary.Faults.Fail("findAndModify", 10107, codeName: "NotWritablePrimary", errorLabels: ["RetryableWriteError"]);
        await store.UpdateAsync(Increment(id), default);
        Assert.That(await CounterAsync(store, id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_primary_change_during_concurrent_increments_loses_and_doubles_nothing()
    {
        await using var set = await MongoWireReplicaSet.StartAsync();
        await using var store = await MongoTestConnections.ConnectAsync(MongoTestConnections.Options(set.ConnectionString, "&serverSelectionTimeoutMS=10000"));
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);

        const int Increments = 200;
        int started = 0;
        var stepDown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = Enumerable.Range(0, Increments).Select(_ => Task.Run(async () =>
        {
            if (Interlocked.Increment(ref started) == Increments / 2)
            {
                await set.StepDownAsync(closeConnections: true);
                stepDown.SetResult();
            }
            await store.UpdateAsync(Increment(id), default);
        })).ToList();
        await Task.WhenAll(work);
        await stepDown.Task;

        Assert.That(await CounterAsync(store, id), Is.EqualTo(Increments));
        Assert.That(store.Client.Cluster.Description.WritableServer?.EndPoint.Port, Is.EqualTo(set.Primary.Port), "the client found the new primary");
    }

    [Test]
    public async Task A_write_on_a_standalone_that_loses_its_connection_fails_clearly_and_the_next_one_works()
    {
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server);
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);
        server.Faults.CloseBeforeReply("findAndModify");
        // a standalone has no retryable writes: the write is not retried, so it cannot be applied twice
        Assert.ThrowsAsync<MongoSessConnectionException>(async () => await store.UpdateAsync(Increment(id), default));
        await store.UpdateAsync(Increment(id), default);
        Assert.That(await CounterAsync(store, id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_read_that_loses_its_connection_is_retried()
    {
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server);
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);
        server.Faults.CloseBeforeReply("find");
        Assert.That(await store.LoadAsync(id, Now, default), Is.Not.Null);
    }

    [TestCase(MalformedReply.Truncated)]
    [TestCase(MalformedReply.WrongLength)]
    [TestCase(MalformedReply.WrongResponseTo)]
    [TestCase(MalformedReply.OversizedLength)]
    [TestCase(MalformedReply.InvalidBson)]
    [TestCase(MalformedReply.WrongOpcode)]
    public async Task A_hostile_reply_is_a_clear_error_and_the_pool_recovers(MalformedReply how)
    {
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server, "&retryReads=false&socketTimeoutMS=2000");
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);
        server.Faults.Malform("find", how);
        var e = Assert.ThrowsAsync<MongoSessConnectionException>(async () => await store.LoadAsync(id, Now, default));
        Assert.That(e!.Message, Does.Contain(server.HostAndPort));
        Assert.That(await store.LoadAsync(id, Now, default), Is.Not.Null, "a new connection serves the next request");
    }

    [Test]
    public async Task An_exhausted_pool_times_out_clearly_and_recovers()
    {
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server, "&maxPoolSize=1&waitQueueTimeoutMS=200");
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);
        server.Faults.Delay("find", TimeSpan.FromSeconds(1), times: 1);
        var slow = store.LoadAsync(id, Now, default).AsTask();
        await Task.Delay(100);
        var e = Assert.ThrowsAsync<MongoSessConnectionException>(async () => await store.LoadAsync(id, Now, default));
        Assert.That(e!.Message, Does.Contain("maxPoolSize"));
        Assert.That(await slow, Is.Not.Null);
        Assert.That(await store.LoadAsync(id, Now, default), Is.Not.Null, "the connection came back to the pool");
    }

    [Test]
    public async Task Many_concurrent_operations_share_a_small_pool_without_loss()
    {
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server, "&maxPoolSize=4");
        var id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await store.UpdateAsync(Create(id), default);
        await Task.WhenAll(Enumerable.Range(0, 256).Select(_ => store.UpdateAsync(Increment(id), default).AsTask()));
        Assert.That(await CounterAsync(store, id), Is.EqualTo(256));
        Assert.That(server.Statistics.ConnectionsOpened, Is.LessThanOrEqualTo(4 + 2), "at most the pool plus the monitor's connection (and one replaced)");
    }
}
