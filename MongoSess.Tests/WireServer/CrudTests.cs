using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

/// <summary>The reads and writes the session store makes, with the filters it sends (see MongoFilters).</summary>
internal sealed class CrudTests : WireServerTest
{
    private static readonly DateTime s_now = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private IMongoCollection<BsonDocument> People => Collection("people");

    [SetUp]
    public Task Seed() => People.InsertManyAsync(
    [
        new BsonDocument { { "_id", 1 }, { "name", "ann" }, { "until", s_now.AddHours(1) }, { "address", new BsonDocument("city", "Oslo") } },
        new BsonDocument { { "_id", 2 }, { "name", "bob" }, { "until", s_now }, { "address", new BsonDocument("city", "Rome") } },
        new BsonDocument { { "_id", 3 }, { "name", "cy" }, { "until", s_now.AddHours(2) }, { "tags", new BsonArray { "a", "b" } }, { "last", s_now } },
    ]);

    private static BsonDocument Compare(string op, DateTime instant) => new(op, instant);

    private async Task<int[]> IdsAsync(BsonDocument filter) =>
        [.. (await People.Find(filter).ToListAsync()).Select(d => d["_id"].AsInt32)];

    [Test]
    public async Task Find_matches_comparisons_existence_and_or_like_the_store_s_live_and_expired_filters()
    {
        var live = new BsonDocument { { "until", Compare("$gt", s_now) }, { "$or", new BsonArray { new BsonDocument("last", new BsonDocument("$exists", false)), new BsonDocument("last", Compare("$gt", s_now)) } } };
        var expired = new BsonDocument("$or", new BsonArray { new BsonDocument("until", Compare("$lte", s_now)), new BsonDocument("last", Compare("$lte", s_now)) });

        Assert.Multiple(async () =>
        {
            Assert.That(await IdsAsync(live), Is.EqualTo(new[] { 1 }));
            Assert.That(await IdsAsync(expired), Is.EqualTo(new[] { 2, 3 }));
            Assert.That(await IdsAsync(new BsonDocument("until", Compare("$gt", s_now.AddDays(1)))), Is.Empty);
            Assert.That(await IdsAsync(new BsonDocument("name", Compare("$gt", s_now))), Is.Empty, "a string is never greater than a date");
        });
    }

    [Test]
    public async Task Find_matches_dotted_paths_array_elements_and_missing_fields()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await IdsAsync(new BsonDocument("address.city", "Rome")), Is.EqualTo(new[] { 2 }));
            Assert.That(await IdsAsync(new BsonDocument("tags", "b")), Is.EqualTo(new[] { 3 }));
            Assert.That(await IdsAsync(new BsonDocument("tags", BsonNull.Value)), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(await IdsAsync(new BsonDocument { { "_id", 1L }, { "name", "ann" } }), Is.EqualTo(new[] { 1 }), "numbers are equal across types");
        });
    }

    [Test]
    public void An_operator_the_store_never_sends_fails_visibly()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => People.Find(Builders<BsonDocument>.Filter.In("name", ["ann"])).ToListAsync());

        Assert.That(error!.Code, Is.EqualTo(2));
    }

    [Test]
    public async Task CountDocuments_counts_through_an_aggregate_with_group()
    {
        long all = await People.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);
        long later = await People.CountDocumentsAsync(new BsonDocument("until", Compare("$gt", s_now)));
        long none = await People.CountDocumentsAsync(new BsonDocument("name", "nobody"));

        Assert.That((all, later, none), Is.EqualTo((3L, 2L, 0L)));
        var pipeline = Server.Statistics.CommandsNamed("aggregate")[0]["pipeline"].AsBsonArray;
        Assert.That(pipeline.Select(s => s.AsBsonDocument.GetElement(0).Name), Does.Contain("$group"));
    }

    [Test]
    public async Task Delete_one_and_many()
    {
        var one = await People.DeleteOneAsync(new BsonDocument("until", Compare("$gt", s_now.AddMinutes(-1))));
        var many = await People.DeleteManyAsync(new BsonDocument("until", Compare("$gt", s_now.AddMinutes(-1))));

        Assert.That((one.DeletedCount, many.DeletedCount), Is.EqualTo((1L, 2L)));
        Assert.That(Server.Store.Documents("test", "people"), Is.Empty);
    }

    [Test]
    public void An_insert_of_a_taken_id_is_a_DuplicateKey_write_error()
    {
        var error = Assert.ThrowsAsync<MongoWriteException>(() => People.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "name", "again" } }));

        Assert.That(error!.WriteError.Category, Is.EqualTo(ServerErrorCategory.DuplicateKey));
        Assert.That(error.WriteError.Message, Is.EqualTo("E11000 duplicate key error collection: test.people index: _id_ dup key: { _id: 1 }"));
        Assert.That(Server.Store.Documents("test", "people"), Has.Count.EqualTo(3));
    }
}
