using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

internal sealed class FindAndModifyTests : WireServerTest
{
    private IMongoCollection<BsonDocument> Counters => Collection("counters");

    [SetUp]
    public Task Seed() => Counters.InsertOneAsync(new BsonDocument { { "_id", "c" }, { "n", 1 }, { "secret", "s" } });

    [TestCase(ReturnDocument.Before, 1)]
    [TestCase(ReturnDocument.After, 2)]
    public async Task FindOneAndUpdate_returns_the_projected_document_before_or_after(ReturnDocument which, int expected)
    {
        var returned = await Counters.FindOneAndUpdateAsync(
            new BsonDocument("_id", "c"),
            Builders<BsonDocument>.Update.Inc("n", 1),
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = which, Projection = Builders<BsonDocument>.Projection.Exclude("secret") });

        Assert.That(returned, Is.EqualTo(new BsonDocument { { "_id", "c" }, { "n", expected } }));
        Assert.That(Server.Store.Documents("test", "counters").Single()["n"], Is.EqualTo(new BsonInt32(2)));
        var command = Server.Statistics.CommandsNamed("findAndModify").Single();
        Assert.That(command["fields"], Is.EqualTo(new BsonDocument("secret", 0)));
    }

    [Test]
    public async Task FindOneAndUpdate_with_upsert_inserts_and_returns_the_new_document()
    {
        var returned = await Counters.FindOneAndUpdateAsync(
            new BsonDocument("_id", "new"),
            Builders<BsonDocument>.Update.Inc("n", 10L).SetOnInsert("created", true),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After });
        var missing = await Counters.FindOneAndUpdateAsync(new BsonDocument("_id", "other"), Builders<BsonDocument>.Update.Inc("n", 1));

        Assert.That(returned, Is.EqualTo(new BsonDocument { { "_id", "new" }, { "created", true }, { "n", 10L } }));
        Assert.That(missing, Is.Null);
    }

    [Test]
    public async Task FindOneAndDelete_returns_the_removed_document()
    {
        var removed = await Counters.FindOneAndDeleteAsync(new BsonDocument("_id", "c"));

        Assert.That(removed["secret"].AsString, Is.EqualTo("s"));
        Assert.That(Server.Store.Documents("test", "counters"), Is.Empty);
    }

    [Test]
    public void An_update_through_a_non_document_fails_the_command_with_PathNotViable()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => Counters.FindOneAndUpdateAsync(
            new BsonDocument("_id", "c"), Builders<BsonDocument>.Update.Set("n.deeper", 1)));

        Assert.That(error!.Code, Is.EqualTo(28));
        Assert.That(error.ErrorMessage, Is.EqualTo("Cannot create field 'deeper' in element {n: 1}"));
    }
}
