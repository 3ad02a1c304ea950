using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

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
        var first = await Items.Find(FilterDefinition<BsonDocument>.Empty).Sort("{ _id: -1 }").Limit(4).ToListAsync();
        var one = await Items.Find(new BsonDocument("_id", new BsonDocument("$gt", 5))).FirstAsync();

        Assert.That(first.Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 10, 9, 8, 7 }));
        Assert.That(one["_id"].AsInt32, Is.EqualTo(6));
        Assert.That(Server.Statistics.CommandCount("getMore") + Server.Statistics.CommandCount("killCursors"), Is.Zero);
        Assert.That(Server.Cursors.OpenCount, Is.Zero);
    }

    [Test]
    public async Task Aggregate_cursors_batch_too()
    {
        var results = await Items.Aggregate(new AggregateOptions { BatchSize = 4 })
            .Match(Builders<BsonDocument>.Filter.Lte("_id", 9)).Sort("{ _id: -1 }").Skip(1).Limit(6)
            .ToListAsync();

        Assert.That(results.Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 8, 7, 6, 5, 4, 3 }));
        Assert.That(Server.Statistics.CommandCount("getMore"), Is.EqualTo(1));
    }

    [Test]
    public void GetMore_of_an_unknown_cursor_fails_with_CursorNotFound()
    {
        var getMore = new BsonDocument { { "getMore", 12345L }, { "collection", "items" } };

        var error = Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(getMore));

        Assert.That(error!.Code, Is.EqualTo(43));
    }
}
