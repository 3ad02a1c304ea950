using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

/// <summary>The update command as connect-mongo sends it (updateOne with upsert, for the load harness), and updateMany.</summary>
internal sealed class UpdateTests : WireServerTest
{
    private static readonly DateTime s_expires = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private IMongoCollection<BsonDocument> Sessions => Collection("sessions");

    // connect-mongo's set: $set of the whole document, _id included, filtered on _id, upserted
    private Task<UpdateResult> SetAsync(string id, string session) => Sessions.UpdateOneAsync(
        new BsonDocument("_id", id),
        new BsonDocument("$set", new BsonDocument { { "_id", id }, { "session", session }, { "expires", s_expires } }),
        new UpdateOptions { IsUpsert = true });

    [Test]
    public async Task An_upsert_that_matches_nothing_inserts_the_query_s_id_with_the_update_applied()
    {
        var first = await SetAsync("a", "{\"views\":1}");
        var second = await SetAsync("a", "{\"views\":2}");

        var stored = await Sessions.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(first.UpsertedId, Is.EqualTo(new BsonString("a")));
            Assert.That((first.MatchedCount, first.ModifiedCount), Is.EqualTo((0L, 0L)));
            Assert.That(second.UpsertedId, Is.Null);
            Assert.That((second.MatchedCount, second.ModifiedCount), Is.EqualTo((1L, 1L)));
            // mongod applies $set's fields in the order of their paths, so expires comes before session
            Assert.That(stored, Is.EqualTo(new[] { new BsonDocument { { "_id", "a" }, { "expires", s_expires }, { "session", "{\"views\":2}" } } }));
        });
    }

    [Test]
    public async Task An_upsert_seeds_equality_fields_not_operators_and_generates_an_id_when_the_query_has_none()
    {
        var result = await Sessions.UpdateOneAsync(
            new BsonDocument { { "user", "ann" }, { "expires", new BsonDocument("$gt", s_expires) } },
            new BsonDocument("$inc", new BsonDocument("count", 1)),
            new UpdateOptions { IsUpsert = true });

        var stored = await Sessions.Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();
        Assert.Multiple(() =>
        {
            Assert.That(result.UpsertedId, Is.InstanceOf<BsonObjectId>());
            Assert.That(stored, Is.EqualTo(new BsonDocument { { "_id", result.UpsertedId }, { "user", "ann" }, { "count", 1 } }));
        });
    }

    [Test]
    public async Task An_update_without_upsert_that_matches_nothing_changes_nothing_and_an_unchanged_match_is_not_modified()
    {
        await SetAsync("a", "{}");

        var missing = await Sessions.UpdateOneAsync(new BsonDocument("_id", "b"), new BsonDocument("$set", new BsonDocument("session", "{}")));
        var same = await Sessions.UpdateOneAsync(new BsonDocument("_id", "a"), new BsonDocument("$set", new BsonDocument("session", "{}")));

        Assert.Multiple(async () =>
        {
            Assert.That((missing.MatchedCount, missing.ModifiedCount, missing.UpsertedId), Is.EqualTo((0L, 0L, (BsonValue?)null)));
            Assert.That((same.MatchedCount, same.ModifiedCount), Is.EqualTo((1L, 0L)));
            Assert.That(await Sessions.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task UpdateOne_changes_the_first_match_and_updateMany_every_match()
    {
        await Sessions.InsertManyAsync([new BsonDocument { { "_id", 1 }, { "n", 0 } }, new BsonDocument { { "_id", 2 }, { "n", 0 } }]);
        var inc = new BsonDocument("$inc", new BsonDocument("n", 1));

        var one = await Sessions.UpdateOneAsync(FilterDefinition<BsonDocument>.Empty, inc);
        var many = await Sessions.UpdateManyAsync(FilterDefinition<BsonDocument>.Empty, inc);

        var counts = (await Sessions.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync()).Select(d => d["n"].AsInt32);
        Assert.Multiple(() =>
        {
            Assert.That((one.MatchedCount, one.ModifiedCount), Is.EqualTo((1L, 1L)));
            Assert.That((many.MatchedCount, many.ModifiedCount), Is.EqualTo((2L, 2L)));
            Assert.That(counts, Is.EqualTo(new[] { 2, 1 }));
        });
    }

    [Test]
    public async Task Changing_the_id_is_mongod_s_ImmutableField_write_error_and_leaves_the_document()
    {
        await SetAsync("a", "{}");

        var error = Assert.ThrowsAsync<MongoWriteException>(() =>
            Sessions.UpdateOneAsync(new BsonDocument("_id", "a"), new BsonDocument("$set", new BsonDocument("_id", "b"))));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.WriteError.Code, Is.EqualTo(66));
            Assert.That(await Sessions.Find(new BsonDocument("_id", "a")).CountDocumentsAsync(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_replacement_fails_visibly()
    {
        await SetAsync("a", "{}");

        var error = Assert.ThrowsAsync<MongoWriteException>(() => Sessions.ReplaceOneAsync(new BsonDocument("_id", "a"), new BsonDocument("session", "x")));

        Assert.That(error!.WriteError.Code, Is.EqualTo(2));
    }
}
