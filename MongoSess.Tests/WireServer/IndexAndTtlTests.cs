using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.WireServer;

internal sealed class IndexAndTtlTests : WireServerTest
{
    private readonly FakeClock _clock = new();

    protected override MongoWireServerOptions Options => new() { Clock = _clock };

    private IMongoCollection<BsonDocument> Sessions => Collection("sessions");

    [Test]
    public async Task A_unique_index_turns_a_second_equal_key_into_a_DuplicateKey_write_error()
    {
        await Sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ token: 1 }", new CreateIndexOptions { Unique = true }));
        await Sessions.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "token", "t" } });

        var error = Assert.ThrowsAsync<MongoWriteException>(() => Sessions.InsertOneAsync(new BsonDocument { { "_id", 2 }, { "token", "t" } }));

        Assert.That(error!.WriteError.Category, Is.EqualTo(ServerErrorCategory.DuplicateKey));
        Assert.That(error.WriteError.Message, Is.EqualTo("E11000 duplicate key error collection: test.sessions index: token_1 dup key: { token: \"t\" }"));
        Assert.That(Server.Store.Documents("test", "sessions"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_partial_unique_index_only_holds_the_documents_its_filter_matches()
    {
        var options = new CreateIndexOptions<BsonDocument> { Unique = true, PartialFilterExpression = Builders<BsonDocument>.Filter.Eq("active", true) };
        await Sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ user: 1 }", options));
        await Sessions.InsertManyAsync(
        [
            new BsonDocument { { "_id", 1 }, { "user", "u" }, { "active", false } },
            new BsonDocument { { "_id", 2 }, { "user", "u" }, { "active", false } },
            new BsonDocument { { "_id", 3 }, { "user", "u" }, { "active", true } },
        ]);

        var error = Assert.ThrowsAsync<MongoWriteException>(() => Sessions.InsertOneAsync(new BsonDocument { { "_id", 4 }, { "user", "u" }, { "active", true } }));

        Assert.That(error!.WriteError.Category, Is.EqualTo(ServerErrorCategory.DuplicateKey));
        Assert.That(Server.Store.Documents("test", "sessions"), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task An_update_into_a_taken_key_fails_too()
    {
        await Sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ token: 1 }", new CreateIndexOptions { Unique = true }));
        await Sessions.InsertManyAsync([new BsonDocument { { "_id", 1 }, { "token", "a" } }, new BsonDocument { { "_id", 2 }, { "token", "b" } }]);

        var error = Assert.ThrowsAsync<MongoWriteException>(() => Sessions.UpdateOneAsync(new BsonDocument("_id", 2), "{ $set: { token: 'a' } }"));

        Assert.That(error!.WriteError.Category, Is.EqualTo(ServerErrorCategory.DuplicateKey));
    }

    [Test]
    public async Task ListIndexes_shows_what_createIndexes_made_and_creating_it_again_is_a_no_op()
    {
        var model = new CreateIndexModel<BsonDocument>("{ expiresAt: 1 }", new CreateIndexOptions { ExpireAfter = TimeSpan.Zero, Name = "ttl" });
        await Sessions.Indexes.CreateOneAsync(model);
        await Sessions.Indexes.CreateOneAsync(model);

        var indexes = await (await Sessions.Indexes.ListAsync()).ToListAsync();

        Assert.That(indexes.Select(i => i["name"].AsString), Is.EqualTo(new[] { "_id_", "ttl" }));
        Assert.That(indexes[1]["expireAfterSeconds"].ToDouble(), Is.Zero);
        lock (Server.Store.Gate)
        {
            Assert.That(Server.Store.Find("test", "sessions")!.Indexes.Select(i => i.ExpireAfterSeconds), Is.EqualTo(new double?[] { null, 0 }));
        }
    }

    [Test]
    public void Creating_another_index_under_a_taken_name_fails_with_IndexKeySpecsConflict()
    {
        Assert.ThrowsAsync<MongoCommandException>(async () =>
        {
            await Sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ a: 1 }", new CreateIndexOptions { Name = "x" }));
            await Sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ b: 1 }", new CreateIndexOptions { Name = "x" }));
        });
    }

    [Test]
    public async Task The_TTL_monitor_deletes_documents_whose_date_plus_expireAfterSeconds_has_passed()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        await Sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ expiresAt: 1 }", new CreateIndexOptions { ExpireAfter = TimeSpan.FromSeconds(60) }));
        await Sessions.InsertManyAsync(
        [
            new BsonDocument { { "_id", "soon" }, { "expiresAt", now } },
            new BsonDocument { { "_id", "later" }, { "expiresAt", now.AddMinutes(10) } },
            new BsonDocument { { "_id", "no-date" }, { "expiresAt", "tomorrow" } },
        ]);

        int before = Server.RunTtlMonitor();
        _clock.Advance(TimeSpan.FromSeconds(60));
        int after = Server.RunTtlMonitor();

        Assert.That((before, after), Is.EqualTo((0, 1)));
        var left = await Sessions.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
        Assert.That(left.Select(d => d["_id"].AsString), Is.EqualTo(new[] { "later", "no-date" }));
    }

    [Test]
    public async Task With_a_TTL_period_the_monitor_runs_on_the_clock_by_itself()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Clock = _clock, TtlMonitorPeriod = TimeSpan.FromSeconds(60) });
        using var client = Connect(server.ConnectionString);
        var sessions = client.GetDatabase("test").GetCollection<BsonDocument>("sessions");
        await sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ expiresAt: 1 }", new CreateIndexOptions { ExpireAfter = TimeSpan.Zero }));
        await sessions.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "expiresAt", _clock.GetUtcNow().UtcDateTime.AddSeconds(30) } });

        _clock.Advance(TimeSpan.FromSeconds(59));
        long beforeThePass = await sessions.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.That(beforeThePass, Is.EqualTo(1));
        Assert.That(await sessions.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty), Is.Zero);
    }
}
