using MongoSessions.Bson;
using static MongoSessions.Tests.Mongo.WireServer.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

internal sealed class WriteCommandTests : WireServerTest
{
    [Test]
    public async Task Insert_without_id_stores_an_ObjectId_first()
    {
        await InsertAsync("c", Doc("a", 1));
        var stored = Server.Store.Documents("test", "c").Single();
        Assert.That(stored[0].Name, Is.EqualTo("_id"));
        Assert.That(stored[0].Value, Is.InstanceOf<BsonObjectId>());
    }

    [Test]
    public async Task A_duplicate_id_is_write_error_11000_and_ordered_inserts_stop()
    {
        await InsertAsync("c", Doc("_id", "s1"));
        var reply = await RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", "s2"), Doc("_id", "s1"), Doc("_id", "s3"))));
        var error = (BsonDocument)reply.Items("writeErrors").Single();
        Assert.Multiple(() =>
        {
            Assert.That(reply.Ok(), Is.EqualTo(1.0));
            Assert.That(reply.Int("n"), Is.EqualTo(1));
            Assert.That(error.Int("index"), Is.EqualTo(1));
            Assert.That(error.Int("code"), Is.EqualTo(11000));
            Assert.That(error.Str("codeName"), Is.EqualTo("DuplicateKey"));
            Assert.That(error.Str("errmsg"), Does.StartWith("E11000 duplicate key error collection: test.c index: _id_ dup key: { _id: \"s1\" }"));
            Assert.That(error.Sub("keyValue"), Is.EqualTo(Doc("_id", "s1")));
            Assert.That(Server.Store.Documents("test", "c"), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Unordered_inserts_go_on_after_an_error_and_numbers_of_any_type_are_one_key()
    {
        await InsertAsync("c", Doc("_id", 1));
        var reply = await RunAsync(Doc("insert", "c", "ordered", false, "documents", Arr(Doc("_id", 1.0), Doc("_id", 2L), Doc("_id", 3))));
        Assert.That(reply.Int("n"), Is.EqualTo(2));
        Assert.That(reply.Items("writeErrors"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_document_over_16_MiB_is_BSONObjectTooLarge()
    {
        var big = Doc("_id", 1, "blob", new BsonBinary(0, new byte[16 * 1024 * 1024]));
        var reply = await Client.RunAsync(Doc("insert", "c"), "test", ("documents", [big]));
        var error = (BsonDocument)reply.Items("writeErrors").Single();
        Assert.That(error.Int("code"), Is.EqualTo(10334));
        Assert.That(error.Str("codeName"), Is.EqualTo("BSONObjectTooLarge"));
    }

    [Test]
    public async Task Set_unset_and_inc_change_dotted_paths_with_mongod_numeric_types()
    {
        await InsertAsync("c", Doc("_id", "s", "data", Doc("a", 1, "b", "x", "n", 5), "other", 1));
        var reply = await RunAsync(Doc("update", "c", "updates", Arr(Doc(
            "q", Doc("_id", "s"),
            "u", Doc("$set", Doc("data.c.d", true), "$unset", Doc("data.b", ""), "$inc", Doc("data.n", 2, "data.m", 1L, "data.a", 0.5))))));
        Assert.That(reply, Is.EqualTo(Doc("n", 1, "nModified", 1, "ok", 1.0)));
        var data = Server.Store.Documents("test", "c").Single().Sub("data");
        Assert.Multiple(() =>
        {
            Assert.That(data["n"], Is.EqualTo(new BsonInt32(7)), "int32 + int32 stays int32");
            Assert.That(data["m"], Is.EqualTo(new BsonInt64(1)), "a missing field takes the increment's type");
            Assert.That(data["a"], Is.EqualTo(new BsonDouble(1.5)));
            Assert.That(data.Contains("b"), Is.False);
            Assert.That(data.Sub("c")["d"], Is.EqualTo(BsonBoolean.True));
        });
    }

    [Test]
    public async Task Int32_increments_that_overflow_become_int64()
    {
        await InsertAsync("c", Doc("_id", 1, "n", int.MaxValue));
        await RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc("_id", 1), "u", Doc("$inc", Doc("n", 1))))));
        Assert.That(Server.Store.Documents("test", "c").Single()["n"], Is.EqualTo(new BsonInt64(int.MaxValue + 1L)));
    }

    [Test]
    public async Task Setting_the_same_value_matches_without_modifying()
    {
        await InsertAsync("c", Doc("_id", 1, "a", 1));
        var reply = await RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc("_id", 1), "u", Doc("$set", Doc("a", 1))))));
        Assert.That(reply, Is.EqualTo(Doc("n", 1, "nModified", 0, "ok", 1.0)));
    }

    [Test]
    public async Task Inc_of_a_string_is_a_TypeMismatch_write_error()
    {
        await InsertAsync("c", Doc("_id", 1, "a", "x"));
        var reply = await RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc("_id", 1), "u", Doc("$inc", Doc("a", 1))))));
        var error = (BsonDocument)reply.Items("writeErrors").Single();
        Assert.That(error.Int("code"), Is.EqualTo(14));
        Assert.That(error.Str("errmsg"), Does.Contain("Cannot apply $inc to a value of non-numeric type"));
        Assert.That(reply.Int("n"), Is.Zero);
    }

    [Test]
    public async Task Conflicting_paths_are_ConflictingUpdateOperators()
    {
        await InsertAsync("c", Doc("_id", 1));
        var reply = await RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc("_id", 1), "u", Doc("$set", Doc("data", Doc()), "$inc", Doc("data.n", 1))))));
        Assert.That(((BsonDocument)reply.Items("writeErrors")[0]).Int("code"), Is.EqualTo(40));
    }

    [Test]
    public async Task Upsert_copies_the_query_equalities_and_applies_setOnInsert()
    {
        var reply = await RunAsync(Doc("update", "c", "updates", Arr(Doc(
            "q", Doc("_id", "s", "tenant", Doc("$eq", "t1")),
            "u", Doc("$set", Doc("data.a", 1), "$setOnInsert", Doc("createdAt", 5)),
            "upsert", true))));
        Assert.That(reply, Is.EqualTo(Doc("n", 1, "nModified", 0, "upserted", Arr(Doc("index", 0, "_id", "s")), "ok", 1.0)));
        Assert.That(Server.Store.Documents("test", "c").Single(), Is.EqualTo(Doc("_id", "s", "tenant", "t1", "createdAt", 5, "data", Doc("a", 1))));

        var again = await RunAsync(Doc("update", "c", "updates", Arr(Doc(
            "q", Doc("_id", "s"), "u", Doc("$set", Doc("data.a", 2), "$setOnInsert", Doc("createdAt", 9)), "upsert", true))));
        Assert.That(again, Is.EqualTo(Doc("n", 1, "nModified", 1, "ok", 1.0)));
        Assert.That(Server.Store.Documents("test", "c").Single()["createdAt"], Is.EqualTo(new BsonInt32(5)));
    }

    [Test]
    public async Task Replacement_keeps_the_id_and_refuses_to_change_it()
    {
        await InsertAsync("c", Doc("_id", 1, "a", 1, "b", 2));
        var reply = await RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc("a", 1), "u", Doc("c", 3)))));
        Assert.That(reply.Int("nModified"), Is.EqualTo(1));
        Assert.That(Server.Store.Documents("test", "c").Single(), Is.EqualTo(Doc("_id", 1, "c", 3)));
        var changeId = await RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc("_id", 1), "u", Doc("_id", 2)))));
        Assert.That(((BsonDocument)changeId.Items("writeErrors")[0]).Int("code"), Is.EqualTo(66));
    }

    [Test]
    public async Task Multi_updates_every_match_and_push_appends()
    {
        await InsertAsync("c", Doc("_id", 1, "k", "x"), Doc("_id", 2, "k", "x", "list", Arr(1)), Doc("_id", 3, "k", "y"));
        var reply = await RunAsync(Doc("update", "c", "updates", Arr(Doc("q", Doc("k", "x"), "u", Doc("$push", Doc("list", 9)), "multi", true))));
        Assert.That(reply.Int("nModified"), Is.EqualTo(2));
        var docs = Server.Store.Documents("test", "c");
        Assert.That(docs[0]["list"], Is.EqualTo(Arr(9)));
        Assert.That(docs[1]["list"], Is.EqualTo(Arr(1, 9)));
        Assert.That(docs[2].Contains("list"), Is.False);
    }

    [Test]
    public async Task Delete_removes_one_or_all_matches()
    {
        await InsertAsync("c", Doc("_id", 1, "k", 1), Doc("_id", 2, "k", 1), Doc("_id", 3, "k", 1), Doc("_id", 4, "k", 2));
        Assert.That(await RunAsync(Doc("delete", "c", "deletes", Arr(Doc("q", Doc("k", 1), "limit", 1)))), Is.EqualTo(Doc("n", 1, "ok", 1.0)));
        Assert.That((await RunAsync(Doc("delete", "c", "deletes", Arr(Doc("q", Doc("k", 1), "limit", 0))))).Int("n"), Is.EqualTo(2));
        Assert.That((await RunAsync(Doc("delete", "missing", "deletes", Arr(Doc("q", Doc(), "limit", 0))))).Int("n"), Is.Zero);
        Assert.That(Server.Store.Documents("test", "c").Single()["_id"], Is.EqualTo(new BsonInt32(4)));
    }

    [Test]
    public async Task Count_and_aggregate_count_matching_documents()
    {
        await InsertAsync("c", Doc("_id", 1, "k", 1), Doc("_id", 2, "k", 1), Doc("_id", 3, "k", 2));
        Assert.That(await RunAsync(Doc("count", "c", "query", Doc("k", 1))), Is.EqualTo(Doc("n", 2, "ok", 1.0)));
        var aggregate = await RunAsync(Doc("aggregate", "c", "pipeline", Arr(Doc("$match", Doc("k", 1)), Doc("$count", "n")), "cursor", Doc()));
        Assert.That(aggregate.Sub("cursor"), Is.EqualTo(Doc("firstBatch", Arr(Doc("n", 2)), "id", 0L, "ns", "test.c")));
        AssertError(await RunAsync(Doc("aggregate", "c", "pipeline", Arr(Doc("$group", Doc())), "cursor", Doc())), 40324, "Location40324");
        AssertError(await RunAsync(Doc("aggregate", "c", "pipeline", Arr())), 9, "FailedToParse");
    }
}
