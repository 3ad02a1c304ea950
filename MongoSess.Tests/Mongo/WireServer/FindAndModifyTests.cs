using MongoSessions.Bson;
using static MongoSessions.Tests.Mongo.WireServer.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

internal sealed class FindAndModifyTests : WireServerTest
{
    [Test]
    public async Task New_true_returns_the_updated_document()
    {
        await InsertAsync("c", Doc("_id", "s", "data", Doc("n", 1)));
        var reply = await RunAsync(Doc("findAndModify", "c", "query", Doc("_id", "s"), "update", Doc("$inc", Doc("data.n", 2)), "new", true, "fields", Doc("data.n", 1, "_id", 0)));
        Assert.That(reply, Is.EqualTo(Doc("lastErrorObject", Doc("n", 1, "updatedExisting", true), "value", Doc("data", Doc("n", 3)), "ok", 1.0)));
    }

    [Test]
    public async Task New_false_returns_the_document_before_the_update()
    {
        await InsertAsync("c", Doc("_id", "s", "n", 1));
        var reply = await RunAsync(Doc("findAndModify", "c", "query", Doc("_id", "s"), "update", Doc("$set", Doc("n", 5))));
        Assert.That(reply.Sub("value"), Is.EqualTo(Doc("_id", "s", "n", 1)));
        Assert.That(Server.Store.Documents("test", "c").Single()["n"], Is.EqualTo(new BsonInt32(5)));
    }

    [Test]
    public async Task Upsert_reports_the_new_id()
    {
        var reply = await RunAsync(Doc("findAndModify", "c", "query", Doc("_id", "s"), "update", Doc("$inc", Doc("data.n", 1L)), "upsert", true, "new", true));
        Assert.That(reply, Is.EqualTo(Doc(
            "lastErrorObject", Doc("n", 1, "updatedExisting", false, "upserted", "s"),
            "value", Doc("_id", "s", "data", Doc("n", 1L)),
            "ok", 1.0)));
        var old = await RunAsync(Doc("findAndModify", "c", "query", Doc("_id", "t"), "update", Doc("$set", Doc("a", 1)), "upsert", true));
        Assert.That(old["value"], Is.EqualTo(BsonNull.Value));
    }

    [Test]
    public async Task No_match_without_upsert_returns_null()
    {
        var reply = await RunAsync(Doc("findAndModify", "c", "query", Doc("_id", "x"), "update", Doc("$set", Doc("a", 1))));
        Assert.That(reply, Is.EqualTo(Doc("lastErrorObject", Doc("n", 0, "updatedExisting", false), "value", null, "ok", 1.0)));
    }

    [Test]
    public async Task Remove_returns_the_first_document_in_sort_order()
    {
        await InsertAsync("c", Doc("_id", 1, "k", 5), Doc("_id", 2, "k", 9), Doc("_id", 3, "k", 7));
        var reply = await RunAsync(Doc("findAndModify", "c", "query", Doc(), "sort", Doc("k", -1), "remove", true));
        Assert.That(reply, Is.EqualTo(Doc("lastErrorObject", Doc("n", 1), "value", Doc("_id", 2, "k", 9), "ok", 1.0)));
        Assert.That(Server.Store.Documents("test", "c"), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Update_and_remove_together_are_refused()
    {
        AssertError(await RunAsync(Doc("findAndModify", "c", "query", Doc(), "remove", true, "update", Doc("$set", Doc("a", 1)))), 9, "FailedToParse");
        AssertError(await RunAsync(Doc("findAndModify", "c", "query", Doc())), 9, "FailedToParse");
    }

    [Test]
    public async Task A_duplicate_key_fails_the_command()
    {
        await InsertAsync("c", Doc("_id", 1, "k", 1));
        var reply = await RunAsync(Doc("findAndModify", "c", "query", Doc("_id", 1), "update", Doc("_id", 1, "k", 2)));
        Assert.That(reply.Ok(), Is.EqualTo(1.0));
        await RunAsync(Doc("createIndexes", "c", "indexes", Arr(Doc("key", Doc("k", 1), "name", "k_1", "unique", true))));
        await InsertAsync("c", Doc("_id", 2, "k", 3));
        var dup = await RunAsync(Doc("findAndModify", "c", "query", Doc("_id", 2), "update", Doc("$set", Doc("k", 2))));
        AssertError(dup, 11000, "DuplicateKey");
        Assert.That(dup.Sub("keyValue"), Is.EqualTo(Doc("k", 2)));
    }
}
