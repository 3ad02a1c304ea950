using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

/// <summary>The store's TTL indexes: created idempotently, and the TTL monitor that deletes by them.</summary>
internal sealed class IndexAndTtlTests : WireServerTest
{
    private IMongoCollection<BsonDocument> Sessions => Collection("sessions");

    [Test]
    public async Task CreateIndexes_adds_the_TTL_index_once_and_creating_it_again_is_a_no_op()
    {
        var model = new CreateIndexModel<BsonDocument>("{ expiresAt: 1 }", new CreateIndexOptions { ExpireAfter = TimeSpan.Zero, Name = "ttl" });
        await Sessions.Indexes.CreateOneAsync(model);
        await Sessions.Indexes.CreateOneAsync(model);

        lock (Server.Store.Gate)
        {
            var indexes = Server.Store.Find("test", "sessions")!.Indexes;
            Assert.That(indexes.Select(i => i.Name), Is.EqualTo(new[] { "_id_", "ttl" }));
            Assert.That(indexes.Select(i => i.ExpireAfterSeconds), Is.EqualTo(new double?[] { null, 0 }));
        }
    }

    [Test]
    public void Creating_another_index_under_a_taken_name_fails()
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
        var now = DateTime.UtcNow;
        await Sessions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{ expiresAt: 1 }", new CreateIndexOptions { ExpireAfter = TimeSpan.FromSeconds(60) }));
        await Sessions.InsertManyAsync(
        [
            new BsonDocument { { "_id", "past" }, { "expiresAt", now.AddSeconds(-61) } },
            new BsonDocument { { "_id", "within-grace" }, { "expiresAt", now.AddSeconds(-30) } },
            new BsonDocument { { "_id", "later" }, { "expiresAt", now.AddMinutes(10) } },
            new BsonDocument { { "_id", "no-date" }, { "expiresAt", "tomorrow" } },
            new BsonDocument { { "_id", "no-field" } },
        ]);

        int deleted = Server.RunTtlMonitor();

        Assert.That(deleted, Is.EqualTo(1));
        var left = await Sessions.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
        Assert.That(left.Select(d => d["_id"].AsString), Is.EqualTo(new[] { "within-grace", "later", "no-date", "no-field" }));
    }
}
