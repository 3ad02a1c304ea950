using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

/// <summary>Cursors as the store's list (batches of 100, killed when the caller stops) and load (one document) use them.</summary>
internal sealed class CursorTests : WireServerTest
{
    private IMongoCollection<BsonDocument> Items => Collection("items");

    [SetUp]
    public Task Seed() => Items.InsertManyAsync(Enumerable.Range(1, 10).Select(i => new BsonDocument("_id", i)));

    [Test]
    public async Task A_small_batch_size_reads_everything_through_getMore()
    {
        var all = await Items.Find(FilterDefinition<BsonDocument>.Empty, new FindOptions { BatchSize = 3 }).ToListAsync();

        Assert.That(all.Select(d => d["_id"].AsInt32), Is.EqualTo(Enumerable.Range(1, 10)));
        Assert.That(Server.Statistics.CommandCount("getMore"), Is.EqualTo(3));
        Assert.That(Server.Cursors.OpenCount, Is.Zero, "the exhausted cursor is gone");
    }

    [Test]
    public async Task Disposing_a_cursor_early_kills_it_on_the_server()
    {
        using (var cursor = await Items.FindAsync(FilterDefinition<BsonDocument>.Empty, new FindOptions<BsonDocument> { BatchSize = 2 }))
        {
            Assert.That(await cursor.MoveNextAsync(), Is.True);
            Assert.That(cursor.Current.Count(), Is.EqualTo(2));
            Assert.That(Server.Cursors.OpenCount, Is.EqualTo(1));
        }

        var killCursors = Server.Statistics.CommandsNamed("killCursors").Single();
        var firstBatch = Server.Statistics.CommandsNamed("find").Single();
        Assert.That(killCursors["killCursors"].AsString, Is.EqualTo("items"));
        Assert.That(killCursors["cursors"].AsBsonArray.Single(), Is.InstanceOf<BsonInt64>());
        Assert.That(firstBatch["batchSize"].ToInt32(), Is.EqualTo(2));
        Assert.That(Server.Cursors.OpenCount, Is.Zero);
    }

    [Test]
    public async Task A_limit_leaves_no_cursor_open()
    {
        var first = await Items.Find(FilterDefinition<BsonDocument>.Empty).Limit(4).ToListAsync();
        var one = await Items.FindAsync(new BsonDocument("_id", new BsonDocument("$gt", 5)), new FindOptions<BsonDocument> { Limit = -1 });

        Assert.That(first.Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That((await one.SingleAsync())["_id"].AsInt32, Is.EqualTo(6));
        Assert.That(Server.Statistics.CommandCount("getMore") + Server.Statistics.CommandCount("killCursors"), Is.Zero);
        Assert.That(Server.Cursors.OpenCount, Is.Zero);
    }

    [Test]
    public void GetMore_of_an_unknown_cursor_fails_with_CursorNotFound()
    {
        var getMore = new BsonDocument { { "getMore", 12345L }, { "collection", "items" } };

        var error = Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(getMore));

        Assert.That(error!.Code, Is.EqualTo(43));
    }
}
