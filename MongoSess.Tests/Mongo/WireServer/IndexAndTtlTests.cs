using MongoSessions.Bson;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;
using static MongoSessions.Tests.Mongo.WireServer.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

internal sealed class IndexAndTtlTests : WireServerTest
{
    private readonly FakeClock _clock = new();

    protected override MongoWireServerOptions Options => new() { Clock = _clock };

    private static BsonDocument TtlIndex(int seconds = 0, string name = "expiresAt_1") =>
        Doc("createIndexes", "sessions", "indexes", Arr(Doc("key", Doc("expiresAt", 1), "name", name, "expireAfterSeconds", seconds)));

    [Test]
    public async Task CreateIndexes_is_idempotent_for_the_same_spec()
    {
        var first = await RunAsync(TtlIndex());
        Assert.That(first, Is.EqualTo(Doc("numIndexesBefore", 1, "numIndexesAfter", 2, "createdCollectionAutomatically", true, "ok", 1.0)));
        var again = await RunAsync(TtlIndex());
        Assert.That(again, Is.EqualTo(Doc("numIndexesBefore", 2, "numIndexesAfter", 2, "note", "all indexes already exist", "ok", 1.0)));
    }

    [Test]
    public async Task Conflicting_index_options_and_keys_are_refused()
    {
        await RunAsync(TtlIndex());
        AssertError(await RunAsync(TtlIndex(seconds: 60)), 85, "IndexOptionsConflict");
        AssertError(await RunAsync(Doc("createIndexes", "sessions", "indexes", Arr(Doc("key", Doc("other", 1), "name", "expiresAt_1")))), 86, "IndexKeySpecsConflict");
        AssertError(await RunAsync(TtlIndex(name: "another")), 85, "IndexOptionsConflict");
    }

    [Test]
    public async Task ListIndexes_and_dropIndexes()
    {
        AssertError(await RunAsync(Doc("listIndexes", "sessions")), 26, "NamespaceNotFound");
        await RunAsync(TtlIndex());
        var list = await RunAsync(Doc("listIndexes", "sessions", "cursor", Doc()));
        Assert.That(list.Sub("cursor"), Is.EqualTo(Doc(
            "firstBatch", Arr(
                Doc("v", 2, "key", Doc("_id", 1), "name", "_id_"),
                Doc("v", 2, "key", Doc("expiresAt", 1), "name", "expiresAt_1", "expireAfterSeconds", 0)),
            "id", 0L,
            "ns", "test.$cmd.listIndexes")));
        AssertError(await RunAsync(Doc("dropIndexes", "sessions", "index", "_id_")), 72, "InvalidOptions");
        AssertError(await RunAsync(Doc("dropIndexes", "sessions", "index", "nope")), 27, "IndexNotFound");
        Assert.That(await RunAsync(Doc("dropIndexes", "sessions", "index", "expiresAt_1")), Is.EqualTo(Doc("nIndexesWas", 2, "ok", 1.0)));
    }

    [Test]
    public async Task The_TTL_monitor_deletes_only_expired_documents()
    {
        await RunAsync(TtlIndex());
        var now = _clock.GetUtcNow();
        await InsertAsync("sessions",
            Doc("_id", "past", "expiresAt", now.AddSeconds(-1)),
            Doc("_id", "now", "expiresAt", now),
            Doc("_id", "later", "expiresAt", now.AddMinutes(5)),
            Doc("_id", "no-date", "expiresAt", "soon"));
        Assert.That(Server.RunTtlMonitor(), Is.EqualTo(2));
        Assert.That(Server.Store.Documents("test", "sessions").Select(d => d.Str("_id")), Is.EqualTo(new[] { "later", "no-date" }));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.That(Server.RunTtlMonitor(), Is.EqualTo(1));
    }

    [Test]
    public async Task The_background_TTL_monitor_runs_on_the_clock()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Clock = _clock, TtlMonitorPeriod = TimeSpan.FromSeconds(60) });
        await using var client = await RawMongoClient.ConnectAsync(server);
        await client.RunAsync(Doc("createIndexes", "s", "indexes", Arr(Doc("key", Doc("at", 1), "name", "at_1", "expireAfterSeconds", 30))));
        await client.RunAsync(Doc("insert", "s", "documents", Arr(Doc("_id", 1, "at", _clock.GetUtcNow()))));
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.That(server.Store.Documents("test", "s"), Has.Count.EqualTo(1));
        _clock.Advance(TimeSpan.FromSeconds(40));
        Assert.That(server.Store.Documents("test", "s"), Is.Empty);
    }
}
