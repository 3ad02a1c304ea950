using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.WireServer;

/// <summary>Broken replies, dropped connections and injected errors reach the driver as its own exceptions, never as a hang.</summary>
internal sealed class FaultTests : WireServerTest
{
    // one attempt per operation, so each fault shows instead of being retried away
    protected override string ClientOptions => "retryReads=false&retryWrites=false&socketTimeoutMS=1000";

    private IMongoCollection<BsonDocument> Items => Collection("items");

    [SetUp]
    public Task Seed() => Items.InsertOneAsync(new BsonDocument("_id", 1));

    [Test]
    public async Task A_malformed_reply_fails_the_operation_without_a_hang_and_the_server_serves_on([Values] MalformedReply how)
    {
        Server.Faults.Malform("find", how);
        var clock = Stopwatch.StartNew();

        // the driver wraps framing errors in MongoConnectionException but lets some body decoding errors through as they are
        Assert.CatchAsync<Exception>(() => Items.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync());

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(8)));
        Assert.That(Server.Faults.Fired, Is.EqualTo(1));
        using var fresh = Connect(Server.ConnectionString);
        var items = fresh.GetDatabase("test").GetCollection<BsonDocument>("items");
        Assert.That(await items.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty), Is.EqualTo(1));
    }

    [Test]
    public void A_connection_closed_before_the_reply_is_a_MongoConnectionException()
    {
        Server.Faults.CloseBeforeReply("insert");

        Assert.ThrowsAsync<MongoConnectionException>(() => Items.InsertOneAsync(new BsonDocument("_id", 2)));
        Assert.That(Server.Store.Documents("test", "items"), Has.Count.EqualTo(1), "nothing was applied");
    }

    [Test]
    public void A_failCommand_error_reaches_the_driver_with_its_code_and_labels()
    {
        Server.Faults.Fail("find", 262, errorLabels: ["SomeLabel"]);

        var error = Assert.ThrowsAsync<MongoCommandException>(() => Items.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync());

        Assert.That(error!.Code, Is.EqualTo(262));
        Assert.That(error.HasErrorLabel("SomeLabel"), Is.True);
    }
}
