using MongoSessions.Bson;
using MongoSessions.Tests.Support.MongoWire;
using static MongoSessions.Tests.Mongo.WireServer.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

internal sealed class ReplicaSetTests
{
    private MongoWireReplicaSet _set = null!;

    [SetUp]
    public async Task Start() => _set = await MongoWireReplicaSet.StartAsync(members: 3, setName: "rs0");

    [TearDown]
    public async Task Stop() => await _set.DisposeAsync();

    [Test]
    public async Task Every_member_reports_the_same_set_and_its_own_role()
    {
        var hosts = Arr(_set.Members.Select(m => (object)m.HostAndPort).ToArray());
        for (int i = 0; i < 3; i++)
        {
            await using var client = await RawMongoClient.ConnectAsync(_set.Members[i]);
            var hello = await client.RunAsync(Doc("hello", 1), "admin");
            Assert.Multiple(() =>
            {
                Assert.That(hello.Items("hosts"), Is.EqualTo(hosts));
                Assert.That(hello.Str("setName"), Is.EqualTo("rs0"));
                Assert.That(hello.Int("setVersion"), Is.EqualTo(1));
                Assert.That(hello.Str("primary"), Is.EqualTo(_set.Members[0].HostAndPort));
                Assert.That(hello.Str("me"), Is.EqualTo(_set.Members[i].HostAndPort));
                Assert.That(hello["isWritablePrimary"], Is.EqualTo(BsonBoolean.Of(i == 0)));
                Assert.That(hello["secondary"], Is.EqualTo(BsonBoolean.Of(i != 0)));
                Assert.That(hello.Contains("electionId"), Is.EqualTo(i == 0));
                Assert.That(hello.Sub("$clusterTime")["clusterTime"], Is.InstanceOf<BsonTimestamp>());
            });
        }
    }

    [Test]
    public async Task Secondaries_refuse_writes_and_primary_only_reads()
    {
        await using var secondary = await RawMongoClient.ConnectAsync(_set.Members[1]);
        var write = await secondary.RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", 1))));
        Assert.That(write.Int("code"), Is.EqualTo(10107));
        Assert.That(write.Str("errmsg"), Is.EqualTo("not primary"));
        var read = await secondary.RunAsync(Doc("find", "c"));
        Assert.That(read.Int("code"), Is.EqualTo(13435));
        Assert.That(read.Str("codeName"), Is.EqualTo("NotPrimaryNoSecondaryOk"));
        var allowed = await secondary.RunAsync(Doc("find", "c", "$readPreference", Doc("mode", "secondaryPreferred")));
        Assert.That(allowed.Ok(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task Step_down_elects_another_member_with_a_newer_election()
    {
        var oldPrimary = _set.Primary;
        await using var client = await RawMongoClient.ConnectAsync(oldPrimary);
        var before = await client.RunAsync(Doc("hello", 1), "admin");
        await client.RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", 1))));

        await _set.StepDownAsync();

        Assert.That(_set.Primary, Is.SameAs(_set.Members[1]));
        var after = await client.RunAsync(Doc("hello", 1), "admin");
        Assert.Multiple(() =>
        {
            Assert.That(after["isWritablePrimary"], Is.EqualTo(BsonBoolean.False));
            Assert.That(after.Str("primary"), Is.EqualTo(_set.Members[1].HostAndPort));
            Assert.That(((BsonInt64)after.Sub("topologyVersion")["counter"]!).Value, Is.GreaterThan(((BsonInt64)before.Sub("topologyVersion")["counter"]!).Value));
        });
        Assert.That((await client.RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", 2))))).Int("code"), Is.EqualTo(10107));

        await using var newPrimary = await RawMongoClient.ConnectAsync(_set.Primary);
        var hello = await newPrimary.RunAsync(Doc("hello", 1), "admin");
        Assert.That(BsonOrder.Compare(hello["electionId"]!, before["electionId"]!), Is.GreaterThan(0));
        var found = await newPrimary.RunAsync(Doc("find", "c"));
        Assert.That(found.Sub("cursor").Items("firstBatch"), Has.Count.EqualTo(1), "members share the data");
    }

    [Test]
    public async Task An_awaitable_hello_answers_as_soon_as_the_topology_changes()
    {
        await using var client = await RawMongoClient.ConnectAsync(_set.Members[2]);
        var first = await client.RunAsync(Doc("hello", 1), "admin");
        var waiting = client.RunAsync(Doc("hello", 1, "topologyVersion", first["topologyVersion"], "maxAwaitTimeMS", 10_000), "admin");
        await Task.Delay(50);
        Assert.That(waiting.IsCompleted, Is.False);
        await _set.StepDownAsync();
        var changed = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(changed.Str("primary"), Is.EqualTo(_set.Members[1].HostAndPort));
    }

    [Test]
    public async Task Step_down_interrupts_writes_in_flight_with_a_retryable_error()
    {
        _set.Primary.Faults.Delay("update", TimeSpan.FromSeconds(10));
        await using var client = await RawMongoClient.ConnectAsync(_set.Primary);
        var update = client.RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc("_id", 1), "u", Doc("$set", Doc("a", 1)), "upsert", true)),
            "lsid", Doc("id", new BsonBinary(4, new byte[16])), "txnNumber", 1L));
        await Task.Delay(50);
        await _set.StepDownAsync();
        var reply = await update.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(reply.Int("code"), Is.EqualTo(11602));
        Assert.That(reply.Items("errorLabels"), Is.EqualTo(Arr("RetryableWriteError")));
        Assert.That(_set.Store.Documents("test", "c"), Is.Empty);
    }

    [Test]
    public async Task Step_down_can_close_the_old_primarys_connections()
    {
        await using var client = await RawMongoClient.ConnectAsync(_set.Primary);
        await client.RunAsync(Doc("ping", 1), "admin");
        await _set.StepDownAsync(closeConnections: true);
        Assert.That(await client.IsClosedByServerAsync(), Is.True);
    }

    [Test]
    public async Task A_retried_write_after_a_lost_reply_applies_exactly_once()
    {
        var lsid = Doc("id", new BsonBinary(4, Guid.NewGuid().ToByteArray()));
        BsonDocument Increment() => Doc("findAndModify", "c", "query", Doc("_id", "s"), "update", Doc("$inc", Doc("n", 1)),
            "upsert", true, "new", true, "lsid", lsid, "txnNumber", 7L, "$db", "test");
        _set.Primary.Faults.CloseAfterExecute("findAndModify");
        await using (var lost = await RawMongoClient.ConnectAsync(_set.Primary))
        {
            await lost.SendAsync(RawMongoClient.OpMsg(RawMongoClient.NextRequestId(), Increment()));
            Assert.That(await lost.IsClosedByServerAsync(), Is.True);
        }
        await using var retry = await RawMongoClient.ConnectAsync(_set.Primary);
        var reply = await retry.RunAsync(Increment());
        Assert.That(reply.Sub("value")["n"], Is.EqualTo(new BsonInt32(1)));
        Assert.That(_set.Store.Documents("test", "c").Single()["n"], Is.EqualTo(new BsonInt32(1)));
    }

    [Test]
    public async Task A_retry_on_the_new_primary_finds_the_remembered_result()
    {
        var lsid = Doc("id", new BsonBinary(4, Guid.NewGuid().ToByteArray()));
        var insert = Doc("insert", "c", "documents", Arr(Doc("_id", 1)), "lsid", lsid, "txnNumber", 1L);
        await using (var first = await RawMongoClient.ConnectAsync(_set.Primary))
        {
            Assert.That((await first.RunAsync(insert.DeepCloneDocument())).Int("n"), Is.EqualTo(1));
        }
        await _set.StepDownAsync();
        await using var second = await RawMongoClient.ConnectAsync(_set.Primary);
        var retried = await second.RunAsync(insert.DeepCloneDocument());
        Assert.That(retried.Int("n"), Is.EqualTo(1));
        Assert.That(retried.Contains("writeErrors"), Is.False, "not a duplicate key: the first result is returned");
    }

    [Test]
    public async Task A_standalone_refuses_transaction_numbers()
    {
        await using var server = MongoWireServer.Start();
        await using var client = await RawMongoClient.ConnectAsync(server);
        var reply = await client.RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", 1)), "lsid", Doc("id", new BsonBinary(4, new byte[16])), "txnNumber", 1L));
        Assert.That(reply.Int("code"), Is.EqualTo(20));
        Assert.That(reply.Str("codeName"), Is.EqualTo("IllegalOperation"));
    }

    [Test]
    public async Task Retryable_errors_of_retryable_writes_get_the_RetryableWriteError_label()
    {
        _set.Primary.Faults.Fail("update", 91);
        await using var client = await RawMongoClient.ConnectAsync(_set.Primary);
        var reply = await client.RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc(), "u", Doc("$set", Doc("a", 1))))
            , "lsid", Doc("id", new BsonBinary(4, new byte[16])), "txnNumber", 3L));
        Assert.That(reply.Items("errorLabels"), Is.EqualTo(Arr("RetryableWriteError")));
    }
}
