using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

internal sealed class CrudTests : WireServerTest
{
    private IMongoCollection<BsonDocument> People => Collection("people");

    [SetUp]
    public Task Seed() => People.InsertManyAsync(
    [
        new BsonDocument { { "_id", 1 }, { "name", "ann" }, { "age", 31 }, { "address", new BsonDocument("city", "Oslo") } },
        new BsonDocument { { "_id", 2 }, { "name", "bob" }, { "age", 25 }, { "address", new BsonDocument("city", "Rome") } },
        new BsonDocument { { "_id", 3 }, { "name", "cy" }, { "age", 47 }, { "tags", new BsonArray { "a", "b" } } },
    ]);

    [Test]
    public async Task Find_filters_sorts_skips_limits_and_projects()
    {
        var found = await People.Find(Builders<BsonDocument>.Filter.Gte("age", 25))
            .Sort(Builders<BsonDocument>.Sort.Descending("age"))
            .Skip(1).Limit(2)
            .Project(Builders<BsonDocument>.Projection.Include("name").Exclude("_id"))
            .ToListAsync();

        Assert.That(found, Is.EqualTo(new[] { new BsonDocument("name", "ann"), new BsonDocument("name", "bob") }));
    }

    [Test]
    public async Task Find_matches_dotted_paths_array_elements_and_missing_fields()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await People.Find(new BsonDocument("address.city", "Rome")).Project("{ _id: 1 }").SingleAsync(), Is.EqualTo(new BsonDocument("_id", 2)));
            Assert.That(await People.Find(new BsonDocument("tags", "b")).Project("{ _id: 1 }").SingleAsync(), Is.EqualTo(new BsonDocument("_id", 3)));
            Assert.That(await People.CountDocumentsAsync(new BsonDocument("tags", BsonNull.Value)), Is.EqualTo(2));
            Assert.That(await People.CountDocumentsAsync(Builders<BsonDocument>.Filter.In("name", ["ann", "cy"])), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task CountDocuments_counts_through_an_aggregate_with_group()
    {
        long all = await People.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);
        long older = await People.CountDocumentsAsync(Builders<BsonDocument>.Filter.Gt("age", 30));
        long none = await People.CountDocumentsAsync(new BsonDocument("name", "nobody"));
        long limited = await People.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, new CountOptions { Skip = 1, Limit = 1 });

        Assert.That((all, older, none, limited), Is.EqualTo((3L, 2L, 0L, 1L)));
        var pipeline = Server.Statistics.CommandsNamed("aggregate")[0]["pipeline"].AsBsonArray;
        Assert.That(pipeline.Select(s => s.AsBsonDocument.GetElement(0).Name), Does.Contain("$group"));
    }

    [Test]
    public async Task EstimatedDocumentCount_uses_count()
    {
        Assert.That(await People.EstimatedDocumentCountAsync(), Is.EqualTo(3));
        Assert.That(Server.Statistics.CommandCount("count"), Is.EqualTo(1));
    }

    [Test]
    public async Task Update_reports_matched_and_modified_and_upserts_with_the_query_fields()
    {
        var many = await People.UpdateManyAsync(Builders<BsonDocument>.Filter.Lt("age", 40), Builders<BsonDocument>.Update.Set("young", true));
        var same = await People.UpdateOneAsync(new BsonDocument("_id", 1), Builders<BsonDocument>.Update.Set("young", true));
        var upsert = await People.UpdateOneAsync(new BsonDocument("name", "dee"),
            Builders<BsonDocument>.Update.Set("age", 19).SetOnInsert("created", true), new UpdateOptions { IsUpsert = true });

        Assert.Multiple(() =>
        {
            Assert.That((many.MatchedCount, many.ModifiedCount), Is.EqualTo((2L, 2L)));
            Assert.That((same.MatchedCount, same.ModifiedCount), Is.EqualTo((1L, 0L)), "setting the same value modifies nothing");
            Assert.That(upsert.UpsertedId, Is.InstanceOf<BsonObjectId>());
        });
        var dee = await People.Find(new BsonDocument("name", "dee")).SingleAsync();
        Assert.That(dee, Is.EqualTo(new BsonDocument { { "_id", upsert.UpsertedId }, { "name", "dee" }, { "age", 19 }, { "created", true } }));
    }

    [Test]
    public async Task ReplaceOne_keeps_the_id_and_replaces_everything_else()
    {
        var result = await People.ReplaceOneAsync(new BsonDocument("_id", 2), new BsonDocument("name", "robert"));

        Assert.That(result.ModifiedCount, Is.EqualTo(1));
        Assert.That(await People.Find(new BsonDocument("_id", 2)).SingleAsync(), Is.EqualTo(new BsonDocument { { "_id", 2 }, { "name", "robert" } }));
    }

    [Test]
    public async Task Delete_one_and_many()
    {
        var one = await People.DeleteOneAsync(Builders<BsonDocument>.Filter.Gt("age", 0));
        var many = await People.DeleteManyAsync(Builders<BsonDocument>.Filter.Gt("age", 0));

        Assert.That((one.DeletedCount, many.DeletedCount), Is.EqualTo((1L, 2L)));
        Assert.That(Server.Store.Documents("test", "people"), Is.Empty);
    }

    [Test]
    public void An_unordered_insert_reports_each_duplicate_and_keeps_the_rest()
    {
        var error = Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() => People.InsertManyAsync(
            [new BsonDocument("_id", 1), new BsonDocument("_id", 4), new BsonDocument("_id", 2)],
            new InsertManyOptions { IsOrdered = false }));

        Assert.That(error!.WriteErrors.Select(e => (e.Index, e.Code)), Is.EqualTo(new[] { (0, 11000), (2, 11000) }));
        Assert.That(Server.Store.Documents("test", "people").Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public async Task Drop_removes_the_collection()
    {
        await Database.DropCollectionAsync("people");

        Assert.That(Server.Store.Find("test", "people"), Is.Null);
        Assert.That(await People.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty), Is.Zero);
    }
}
