using MongoSessions.Bson;
using static MongoSessions.Tests.Mongo.WireServer.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

internal sealed class FindTests : WireServerTest
{
    private static readonly DateTimeOffset s_noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [SetUp]
    public Task Seed() => InsertAsync("s",
        Doc("_id", "a", "n", 1, "d", s_noon, "data", Doc("x", 1), "tags", Arr("p", "q")),
        Doc("_id", "b", "n", 2L, "d", s_noon.AddHours(1), "data", Doc("x", 2)),
        Doc("_id", "c", "n", 3.0, "d", s_noon.AddHours(2), "data", Doc("x", "2"), "gone", null),
        Doc("_id", "d", "n", "4", "d", s_noon.AddHours(3)),
        Doc("_id", "e", "n", 5, "d", s_noon.AddHours(4)));

    [TestCase("{ \"n\": 2 }", "b")]
    [TestCase("{ \"n\": { \"$eq\": 3 } }", "c")]
    [TestCase("{ \"n\": { \"$gt\": 1, \"$lte\": 3 } }", "b,c")]
    [TestCase("{ \"n\": { \"$lt\": 100 } }", "a,b,c,e")]
    [TestCase("{ \"n\": { \"$gte\": \"0\" } }", "d")]
    [TestCase("{ \"n\": { \"$ne\": 1 } }", "b,c,d,e")]
    [TestCase("{ \"n\": { \"$in\": [1, 5, \"4\"] } }", "a,d,e")]
    [TestCase("{ \"data.x\": 2 }", "b")]
    [TestCase("{ \"data.x\": { \"$exists\": false } }", "d,e")]
    [TestCase("{ \"gone\": null }", "a,b,c,d,e")]
    [TestCase("{ \"gone\": { \"$exists\": true } }", "c")]
    [TestCase("{ \"tags\": \"q\" }", "a")]
    [TestCase("{ \"$or\": [ { \"_id\": \"a\" }, { \"n\": 5 } ] }", "a,e")]
    [TestCase("{ \"$and\": [ { \"n\": { \"$gt\": 1 } }, { \"n\": { \"$lt\": 3 } } ] }", "b")]
    public async Task Filters_match_as_mongod_does(string filterJson, string expectedIds)
    {
        var found = await FindAllAsync("s", Parse(filterJson));
        Assert.That(string.Join(",", found.Select(d => d.Str("_id"))), Is.EqualTo(expectedIds));
    }

    [Test]
    public async Task Dates_compare_with_dates()
    {
        var found = await FindAllAsync("s", Doc("d", Doc("$gt", s_noon.AddHours(2))));
        Assert.That(found.Select(d => d.Str("_id")), Is.EqualTo(new[] { "d", "e" }));
    }

    [Test]
    public async Task Unknown_operators_are_BadValue()
    {
        AssertError(await RunAsync(Doc("find", "s", "filter", Doc("n", Doc("$regex", "x")))), 2, "BadValue");
    }

    [Test]
    public async Task Sort_skip_limit_and_projection()
    {
        var reply = await RunAsync(Doc("find", "s", "filter", Doc("n", Doc("$lt", 100)), "sort", Doc("n", -1), "skip", 1, "limit", 2, "projection", Doc("data.x", 1)));
        Assert.That(reply.Sub("cursor"), Is.EqualTo(Doc(
            "firstBatch", Arr(Doc("_id", "c", "data", Doc("x", "2")), Doc("_id", "b", "data", Doc("x", 2))),
            "id", 0L,
            "ns", "test.s")));
        var excluded = await RunAsync(Doc("find", "s", "filter", Doc("_id", "a"), "projection", Doc("_id", 0, "data", 0, "tags", 0, "d", 0)));
        Assert.That(excluded.Sub("cursor").Items("firstBatch").Single(), Is.EqualTo(Doc("n", 1)));
    }

    [Test]
    public async Task A_cursor_returns_the_rest_across_getMore_then_closes()
    {
        var first = await RunAsync(Doc("find", "s", "batchSize", 2));
        long id = ((BsonInt64)first.Sub("cursor")["id"]!).Value;
        Assert.That(id, Is.Not.Zero);
        Assert.That(first.Sub("cursor").Items("firstBatch"), Has.Count.EqualTo(2));

        var second = await RunAsync(Doc("getMore", id, "collection", "s", "batchSize", 2));
        Assert.That(second.Sub("cursor").Items("nextBatch").Cast<BsonDocument>().Select(d => d.Str("_id")), Is.EqualTo(new[] { "c", "d" }));
        Assert.That(second.Sub("cursor")["id"], Is.EqualTo(new BsonInt64(id)));

        var last = await RunAsync(Doc("getMore", id, "collection", "s"));
        Assert.That(last.Sub("cursor"), Is.EqualTo(Doc("nextBatch", Arr(Server.Store.Documents("test", "s")[4]), "id", 0L, "ns", "test.s")));
        AssertError(await RunAsync(Doc("getMore", id, "collection", "s")), 43, "CursorNotFound");
    }

    [Test]
    public async Task SingleBatch_and_limit_close_the_cursor_and_killCursors_kills()
    {
        var single = await RunAsync(Doc("find", "s", "filter", Doc("_id", "a"), "limit", 1, "singleBatch", true));
        Assert.That(single.Sub("cursor")["id"], Is.EqualTo(new BsonInt64(0)));

        var open = await RunAsync(Doc("find", "s", "batchSize", 1));
        var id = (BsonInt64)open.Sub("cursor")["id"]!;
        AssertError(await RunAsync(Doc("getMore", id, "collection", "other")), 13, "Unauthorized");
        var killed = await RunAsync(Doc("killCursors", "s", "cursors", Arr(id, 12345L)));
        Assert.That(killed, Is.EqualTo(Doc("cursorsKilled", Arr(id), "cursorsNotFound", Arr(12345L), "cursorsAlive", Arr(), "cursorsUnknown", Arr(), "ok", 1.0)));
    }

    [Test]
    public async Task A_missing_collection_finds_nothing()
    {
        var reply = await RunAsync(Doc("find", "nothing", "filter", Doc("_id", "x")));
        Assert.That(reply, Is.EqualTo(Doc("cursor", Doc("firstBatch", Arr(), "id", 0L, "ns", "test.nothing"), "ok", 1.0)));
    }

    [Test]
    public async Task Negative_limits_are_refused()
    {
        Assert.That((await RunAsync(Doc("find", "s", "limit", -1))).Int("code"), Is.EqualTo(51024));
    }

    private static BsonDocument Parse(string json)
    {
        using var parsed = System.Text.Json.JsonDocument.Parse(json);
        return (BsonDocument)Convert(parsed.RootElement);
    }

    private static BsonValue Convert(System.Text.Json.JsonElement element) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Object => element.EnumerateObject().Aggregate(new BsonDocument(), (d, p) => d.Add(p.Name, Convert(p.Value))),
        System.Text.Json.JsonValueKind.Array => new BsonArray(element.EnumerateArray().Select(Convert)),
        System.Text.Json.JsonValueKind.String => new BsonString(element.GetString()!),
        System.Text.Json.JsonValueKind.Number => new BsonInt32(element.GetInt32()),
        System.Text.Json.JsonValueKind.True => BsonBoolean.True,
        System.Text.Json.JsonValueKind.False => BsonBoolean.False,
        _ => BsonNull.Value,
    };
}
