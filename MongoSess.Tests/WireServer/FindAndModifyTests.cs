using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

internal sealed class FindAndModifyTests : WireServerTest
{
    private IMongoCollection<BsonDocument> Counters => Collection("counters");

    [SetUp]
    public Task Seed() => Counters.InsertOneAsync(new BsonDocument
    {
        { "_id", "c" }, { "n", 1 }, { "secret", "s" }, { "data", new BsonDocument { { "a", 1 }, { "b", new BsonArray { new BsonDocument { { "x", 1 }, { "y", 2 } } } } } },
    });

    [TestCase(ReturnDocument.Before, 1)]
    [TestCase(ReturnDocument.After, 2)]
    public async Task FindOneAndUpdate_returns_the_projected_document_before_or_after(ReturnDocument which, int expected)
    {
        var returned = await Counters.FindOneAndUpdateAsync(
            new BsonDocument("_id", "c"),
            Builders<BsonDocument>.Update.Inc("n", 1),
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = which, Projection = new BsonDocument { { "_id", 0 }, { "n", 1 }, { "data.b.y", 1 }, { "missing", 1 } } });

        Assert.That(returned, Is.EqualTo(new BsonDocument
        {
            { "n", expected }, { "data", new BsonDocument("b", new BsonArray { new BsonDocument("y", 2) }) },
        }));
        Assert.That(Server.Store.Documents("test", "counters").Single()["n"], Is.EqualTo(new BsonInt32(2)));
        var command = Server.Statistics.CommandsNamed("findAndModify").Single();
        Assert.That(command["fields"]["_id"].ToInt32(), Is.Zero);
    }

    [Test]
    public async Task An_inclusion_projection_keeps_the_id_unless_told_not_to()
    {
        var returned = await Counters.FindOneAndUpdateAsync(new BsonDocument("_id", "c"), Builders<BsonDocument>.Update.Set("secret", "t"),
            new FindOneAndUpdateOptions<BsonDocument> { Projection = new BsonDocument("data.a", 1) });

        Assert.That(returned, Is.EqualTo(new BsonDocument { { "_id", "c" }, { "data", new BsonDocument("a", 1) } }));
    }

    [Test]
    public async Task FindOneAndUpdate_of_a_missing_document_returns_null_and_creates_nothing()
    {
        var missing = await Counters.FindOneAndUpdateAsync(new BsonDocument("_id", "other"), Builders<BsonDocument>.Update.Inc("n", 1));

        Assert.That(missing, Is.Null);
        Assert.That(Server.Store.Documents("test", "counters"), Has.Count.EqualTo(1));
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
