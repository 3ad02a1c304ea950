using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;

using MongoSessions.Testing;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>
/// The store contract against a real MongoDB server, through the public way an application shares its own client:
/// <c>new MongoSessionStore(client.GetDatabase(...))</c>. Each test gets its own collection, dropped afterwards.
/// </summary>
public abstract class RealMongoSessionStoreTests : SessionStoreContract
{
    private MongoClient? _client;
    private IMongoDatabase? _database;
    private string? _collection;

    protected override int UpdatesPerWorker => 100;

    protected override bool HonoursExtendOnly => true;

    /// <summary>The server's connection string, or why there is none (the tests then skip with that reason).</summary>
    protected abstract Task<(string? ConnectionString, string? SkipReason)> ServerAsync();

    protected override ISessionStore CreateStore()
    {
        var (connectionString, reason) = ServerAsync().GetAwaiter().GetResult();
        if (connectionString is null)
        {
            Assert.Ignore(reason ?? "no server");
        }
        _client = TestMongoClients.Create(connectionString);
        _database = _client.GetDatabase("mongosess_tests");
        _collection = "sessions_" + Guid.NewGuid().ToString("N")[..12];
        // no TTL index here: the contract's clock is fixed in the past, and the server's TTL monitor, which runs on the
        // real clock, would delete its documents in the middle of a test
        return new MongoSessionStore(_database, new MongoSessionStoreOptions { CollectionName = _collection, CreateIndexes = false });
    }

    [TearDown]
    public async Task DropCollection()
    {
        if (_database is not null)
        {
            await _database.DropCollectionAsync(_collection);
        }
        _client?.Close();
    }

    [Test]
    public async Task Connect_creates_both_TTL_indexes_once()
    {
        var name = _collection + "_ttl";
        await using (var store = new MongoSessionStore(_database!, new MongoSessionStoreOptions { CollectionName = name }))
        {
            await store.InitializeAsync(default);
            await store.InitializeAsync(default);
        }
        try
        {
            var indexes = await (await _database!.GetCollection<BsonDocument>(name).Indexes.ListAsync()).ToListAsync();
            var ttl = indexes.Where(i => i.Contains("expireAfterSeconds")).Select(i => i["name"].AsString);
            Assert.That(ttl, Is.EquivalentTo(new[] { "expiresAt_1", "absoluteExpiresAt_1" }));
        }
        finally
        {
            await _database!.DropCollectionAsync(name);
        }
    }
}

/// <summary>The store contract against a real <c>mongo:8.0</c> started by Testcontainers (skips where no Docker engine answers).</summary>
[TestFixture]
public sealed class ContainerMongoSessionStoreTests : RealMongoSessionStoreTests
{
    protected override Task<(string? ConnectionString, string? SkipReason)> ServerAsync() => MongoContainerServer.GetAsync();
}

/// <summary>The store contract against the server named by <c>MONGOSESS_TEST_URI</c> (skips when it is not set).</summary>
[TestFixture]
public sealed class UriMongoSessionStoreTests : RealMongoSessionStoreTests
{
    protected override Task<(string? ConnectionString, string? SkipReason)> ServerAsync() => EnvironmentMongoServer.GetAsync("any MongoDB server");
}
