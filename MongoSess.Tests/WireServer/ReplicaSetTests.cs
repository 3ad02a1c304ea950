using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.WireServer;

/// <summary>
/// The driver against a three-member set: discovery, and retryable writes that survive a failover exactly once
/// (each test counts with $inc in a findAndModify, as the store's writes are, so a write applied twice shows as 2).
/// </summary>
internal sealed class ReplicaSetTests
{
    private MongoWireReplicaSet _set = null!;
    private MongoClient _client = null!;

    private IMongoCollection<BsonDocument> Counters => _client.GetDatabase("test").GetCollection<BsonDocument>("counters");

    [SetUp]
    public async Task StartSet()
    {
        _set = await MongoWireReplicaSet.StartAsync();
        _client = WireServerTest.Connect(_set.ConnectionString);
        await Counters.InsertOneAsync(new BsonDocument { { "_id", "c" }, { "n", 0 } });
    }

    [TearDown]
    public async Task StopSet()
    {
        _client.Close();
        TestMongoClients.CloseAll();
        await _set.DisposeAsync();
    }

    // the counter after the increment, as the server returned it
    private async Task<int> IncrementAsync() => (await Counters.FindOneAndUpdateAsync(new BsonDocument("_id", "c"), Builders<BsonDocument>.Update.Inc("n", 1),
        new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After }))["n"].AsInt32;

    private int Count() => _set.Store.Documents("test", "counters").Single()["n"].AsInt32;

    [Test]
    public async Task The_driver_discovers_the_primary_and_sends_retryable_writes_to_it()
    {
        await IncrementAsync();
        await IncrementAsync();

        var update = _set.Primary.Statistics.CommandsNamed("findAndModify")[1];
        Assert.Multiple(() =>
        {
            Assert.That(update["txnNumber"], Is.InstanceOf<BsonInt64>());
            Assert.That(update["lsid"]["id"], Is.InstanceOf<BsonBinaryData>());
            Assert.That(update["$clusterTime"]["clusterTime"], Is.InstanceOf<BsonTimestamp>(), "the driver gossips the cluster time of the first reply");
            Assert.That(_set.Secondaries.Sum(s => s.Statistics.CommandCount("findAndModify")), Is.Zero);
            Assert.That(Count(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_NotWritablePrimary_error_is_retried_once_and_applied_once()
    {
        _set.Primary.Faults.Fail("findAndModify", MongoErrorCodes.NotWritablePrimary);

        var returned = await IncrementAsync();

        Assert.That(returned, Is.EqualTo(1));
        Assert.That(Count(), Is.EqualTo(1));
        Assert.That(_set.Primary.Statistics.CommandCount("findAndModify"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_reply_lost_with_the_connection_is_retried_and_answered_from_the_remembered_result()
    {
        _set.Primary.Faults.CloseAfterExecute("findAndModify");

        var returned = await IncrementAsync();

        var updates = _set.Primary.Statistics.CommandsNamed("findAndModify");
        Assert.Multiple(() =>
        {
            Assert.That(returned, Is.EqualTo(1), "the remembered reply");
            Assert.That(Count(), Is.EqualTo(1), "the retry was not applied a second time");
            Assert.That(updates, Has.Count.EqualTo(2));
            Assert.That(updates[1]["txnNumber"], Is.EqualTo(updates[0]["txnNumber"]));
            Assert.That(updates[1]["lsid"], Is.EqualTo(updates[0]["lsid"]));
        });
    }

    [Test]
    public async Task A_connection_dropped_before_the_write_is_retried_and_applied_once()
    {
        _set.Primary.Faults.CloseBeforeReply("findAndModify");

        var returned = await IncrementAsync();

        Assert.That(returned, Is.EqualTo(1));
        Assert.That(Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task After_a_step_down_the_write_is_retried_on_the_new_primary()
    {
        await IncrementAsync();
        var old = _set.Primary;
        await _set.StepDownAsync();

        await IncrementAsync();

        Assert.That(Count(), Is.EqualTo(2));
        Assert.That(_set.Primary, Is.Not.SameAs(old));
        Assert.That(_set.Primary.Statistics.CommandCount("findAndModify"), Is.EqualTo(1), "the new primary applied the second increment");
    }

    [Test]
    public async Task A_step_down_that_drops_connections_loses_no_write()
    {
        await IncrementAsync();
        await _set.StepDownAsync(closeConnections: true);

        await IncrementAsync();
        await IncrementAsync();

        Assert.That(Count(), Is.EqualTo(3));
    }
}
