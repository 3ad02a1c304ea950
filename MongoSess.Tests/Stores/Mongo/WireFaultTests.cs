using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>The fault contract against the wire server's three-member replica set, plus what only it can stage.</summary>
[TestFixture]
public sealed class WireFaultTests : MongoFaultContract
{
    private MongoWireReplicaSet? _set;

    protected override async Task<(string?, IMongoFaults?, string?)> StartAsync()
    {
        _set = await MongoWireReplicaSet.StartAsync();
        return (_set.ConnectionString + "&serverSelectionTimeoutMS=10000&connectTimeoutMS=2000&heartbeatFrequencyMS=500", new PrimaryFaults(_set), null);
    }

    protected override async Task StopAsync()
    {
        if (_set is not null)
        {
            await _set.DisposeAsync();
        }
    }

    [Test]
    public async Task The_dropped_write_was_sent_twice_and_applied_once()
    {
        var id = await CreatedAsync();
        _set!.Primary.Faults.CloseAfterExecute("findAndModify");
        await Store.UpdateAsync(Increment(id), default);
        Assert.That(_set.Primary.Statistics.CommandCount("findAndModify"), Is.EqualTo(2));
        Assert.That(await CounterAsync(id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_primary_change_during_concurrent_increments_loses_no_acknowledged_increment_and_doubles_none()
    {
        var id = await CreatedAsync();
        const int Increments = 200;
        int started = 0;
        int acknowledged = 0;
        int failed = 0;
        var stepDown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = Enumerable.Range(0, Increments).Select(_ => Task.Run(async () =>
        {
            if (Interlocked.Increment(ref started) == Increments / 2)
            {
                await _set!.StepDownAsync(closeConnections: true);
                stepDown.SetResult();
            }
            try
            {
                await Store.UpdateAsync(Increment(id), default);
                Interlocked.Increment(ref acknowledged);
            }
            catch (MongoSessException)
            {
                // the driver retries a write once; a write whose retry also met the old primary is reported, not hidden
                Interlocked.Increment(ref failed);
            }
        })).ToList();
        await Task.WhenAll(work);
        await stepDown.Task;
        long counter = await CounterAsync(id);
        TestContext.Out.WriteLine($"{acknowledged} acknowledged, {failed} reported as failed, counter {counter}");
        Assert.That(counter, Is.GreaterThanOrEqualTo(acknowledged), "every acknowledged increment is there");
        Assert.That(counter, Is.LessThanOrEqualTo(acknowledged + failed), "none was applied twice");
        Assert.That(acknowledged, Is.GreaterThanOrEqualTo(Increments / 2), "the writes before the step-down, at least, went through");
    }

    [Test]
    public async Task A_write_on_a_standalone_that_loses_its_connection_fails_clearly_and_the_next_one_works()
    {
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server);
        var id = MongoSessions.Cookies.SessionToken.New();
        await store.UpdateAsync(Create(id), default);
        server.Faults.CloseBeforeReply("findAndModify");
        // a standalone has no retryable writes: the write is not retried, so it cannot be applied twice
        var e = Assert.ThrowsAsync<MongoSessConnectionException>(async () => await store.UpdateAsync(Increment(id), default));
        Assert.That(e!.Message, Does.Contain(server.HostAndPort));
        await store.UpdateAsync(Increment(id), default);
        Assert.That((await store.LoadAsync(id, Now, default))!.Data.Find("n")!.ToInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task Many_concurrent_operations_share_a_small_pool_without_loss()
    {
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server, "&maxPoolSize=4");
        var id = MongoSessions.Cookies.SessionToken.New();
        await store.UpdateAsync(Create(id), default);
        await Task.WhenAll(Enumerable.Range(0, 256).Select(_ => store.UpdateAsync(Increment(id), default).AsTask()));
        Assert.That((await store.LoadAsync(id, Now, default))!.Data.Find("n")!.ToInt64(), Is.EqualTo(256));
    }

    private sealed class PrimaryFaults(MongoWireReplicaSet set) : IMongoFaults
    {
        public Task CloseBeforeExecuteAsync(string command)
        {
            set.Primary.Faults.CloseBeforeReply(command);
            return Task.CompletedTask;
        }

        public Task FailAfterExecuteAsync(string command)
        {
            set.Primary.Faults.CloseAfterExecute(command);
            return Task.CompletedTask;
        }

        public Task NotWritablePrimaryAsync(string command)
        {
            set.Primary.Faults.Fail(command, 10107, codeName: "NotWritablePrimary", errorLabels: ["RetryableWriteError"]);
            return Task.CompletedTask;
        }
    }
}
