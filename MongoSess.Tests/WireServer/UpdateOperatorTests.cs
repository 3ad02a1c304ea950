using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

/// <summary>The update operators the session store sends in its findAndModify: $set, $unset, $inc, $push and $max.</summary>
internal sealed class UpdateOperatorTests : WireServerTest
{
    private IMongoCollection<BsonDocument> Things => Collection("things");

    private static UpdateDefinitionBuilder<BsonDocument> Update => Builders<BsonDocument>.Update;

    private async Task<BsonDocument> AfterAsync(BsonDocument document, UpdateDefinition<BsonDocument> update)
    {
        await Things.InsertOneAsync(document);
        return await Things.FindOneAndUpdateAsync(new BsonDocument("_id", document["_id"]), update,
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After });
    }

    [Test]
    public async Task Inc_keeps_int32_until_it_overflows_and_mixes_into_int64_and_double()
    {
        var doc = await AfterAsync(
            new BsonDocument { { "_id", 1 }, { "small", 1 }, { "edge", int.MaxValue }, { "mixed", 1 }, { "real", 1 } },
            Update.Inc("small", 2).Inc("edge", 1).Inc("mixed", 2L).Inc("real", 0.5));

        Assert.Multiple(() =>
        {
            Assert.That(doc["small"], Is.EqualTo(new BsonInt32(3)));
            Assert.That(doc["edge"], Is.EqualTo(new BsonInt64(int.MaxValue + 1L)));
            Assert.That(doc["mixed"], Is.EqualTo(new BsonInt64(3)));
            Assert.That(doc["real"], Is.EqualTo(new BsonDouble(1.5)));
        });
    }

    [Test]
    public async Task Inc_of_a_missing_path_starts_from_zero_and_creates_its_parents()
    {
        var doc = await AfterAsync(new BsonDocument("_id", 1), Update.Inc("hits.total", 5L).Inc("count", 1));

        Assert.That(doc, Is.EqualTo(new BsonDocument { { "_id", 1 }, { "count", 1 }, { "hits", new BsonDocument("total", 5L) } }));
        Assert.That(doc["hits"]["total"], Is.InstanceOf<BsonInt64>());
    }

    [Test]
    public async Task Max_sets_only_a_later_date_or_a_missing_field()
    {
        var early = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        var doc = await AfterAsync(
            new BsonDocument { { "_id", 1 }, { "later", early }, { "earlier", early }, { "same", early } },
            Update.Max("later", early.AddMinutes(1)).Max("earlier", early.AddMinutes(-1)).Max("same", early).Max("missing", early));

        Assert.That(doc, Is.EqualTo(new BsonDocument
        {
            { "_id", 1 }, { "later", early.AddMinutes(1) }, { "earlier", early }, { "same", early }, { "missing", early },
        }));
    }

    [Test]
    public void Inc_of_a_string_fails_with_TypeMismatch()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => AfterAsync(new BsonDocument { { "_id", 1 }, { "n", "x" } }, Update.Inc("n", 1)));

        Assert.That(error!.Code, Is.EqualTo(14));
        Assert.That(error.ErrorMessage, Is.EqualTo("Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'n' of non-numeric type string"));
    }

    [Test]
    public void Inc_of_int64_max_fails_rather_than_wrapping()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => AfterAsync(new BsonDocument { { "_id", 1 }, { "n", long.MaxValue } }, Update.Inc("n", 1)));

        Assert.That(error!.Code, Is.EqualTo(2));
    }

    [Test]
    public async Task Set_creates_missing_parents_and_unset_of_missing_paths_changes_nothing()
    {
        await Things.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "a", new BsonDocument("b", 1) } });

        await Things.FindOneAndUpdateAsync(new BsonDocument("_id", 1), Update.Set("x.y.z", "deep").Set("a.c", 2));
        await Things.FindOneAndUpdateAsync(new BsonDocument("_id", 1), Update.Unset("nope").Unset("a.nope").Unset("x.y.z.w"));
        var before = Server.Store.Documents("test", "things").Single();
        await Things.FindOneAndUpdateAsync(new BsonDocument("_id", 1), Update.Unset("a.b"));

        Assert.That(before["a"], Is.EqualTo(new BsonDocument { { "b", 1 }, { "c", 2 } }), "unsetting missing paths left the rest alone");
        Assert.That(await Things.Find(FilterDefinition<BsonDocument>.Empty).SingleAsync(), Is.EqualTo(new BsonDocument
        {
            { "_id", 1 }, { "a", new BsonDocument("c", 2) }, { "x", new BsonDocument("y", new BsonDocument("z", "deep")) },
        }));
    }

    [TestCase("a.b", "Cannot create field 'b' in element {a: 5}")]
    [TestCase("s.t.u", "Cannot create field 'u' in element {t: \"text\"}")]
    [TestCase("list.name", "Cannot create field 'name' in element {list: [ 1, 2 ]}")]
    public void A_path_through_a_non_document_fails_with_PathNotViable(string path, string message)
    {
        var document = new BsonDocument { { "_id", 1 }, { "a", 5 }, { "s", new BsonDocument("t", "text") }, { "list", new BsonArray { 1, 2 } } };

        var set = Assert.ThrowsAsync<MongoCommandException>(() => AfterAsync(document, Update.Set(path, 1)));
        var inc = Assert.ThrowsAsync<MongoCommandException>(() => Things.FindOneAndUpdateAsync(new BsonDocument("_id", 1), Update.Inc(path, 1)));

        Assert.That((set!.Code, set.ErrorMessage), Is.EqualTo((28, message)));
        Assert.That(inc!.Code, Is.EqualTo(28));
        Assert.That(Server.Store.Documents("test", "things").Single(), Is.EqualTo(document), "a failed update changes nothing");
    }

    [Test]
    public async Task Array_indexes_in_paths_address_elements()
    {
        var doc = await AfterAsync(new BsonDocument { { "_id", 1 }, { "list", new BsonArray { 1, new BsonDocument("v", 1) } } },
            Update.Inc("list.1.v", 1).Set("list.3", "padded"));

        Assert.That(doc["list"], Is.EqualTo(new BsonArray { 1, new BsonDocument("v", 2), BsonNull.Value, "padded" }));
    }

    [Test]
    public async Task Push_appends_one_value_creating_the_array()
    {
        var doc = await AfterAsync(new BsonDocument { { "_id", 1 }, { "n", new BsonArray { 1 } } },
            Update.Push("n", 2).Push("tags", new BsonArray { "a", "b" }));

        Assert.That(doc["n"], Is.EqualTo(new BsonArray { 1, 2 }));
        Assert.That(doc["tags"], Is.EqualTo(new BsonArray { new BsonArray { "a", "b" } }), "an array value is one element");
    }

    [Test]
    public void Push_onto_a_non_array_fails_with_BadValue()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => AfterAsync(new BsonDocument { { "_id", 1 }, { "tags", "x" } }, Update.Push("tags", "y")));

        Assert.That(error!.Code, Is.EqualTo(2));
        Assert.That(error.ErrorMessage, Is.EqualTo("The field 'tags' must be an array but is of type string in document {_id: 1}"));
    }

    [Test]
    public void Two_operators_on_one_path_conflict()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => AfterAsync(new BsonDocument("_id", 1), Update.Set("a", 1).Inc("a.b", 1)));

        Assert.That(error!.Code, Is.EqualTo(40));
    }
}
