using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;

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
        var store = new MongoSessionStore(_database, new MongoSessionStoreOptions { CollectionName = _collection });
        store.InitializeAsync(default).AsTask().GetAwaiter().GetResult();
        return store;
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
    public async Task Connect_creates_both_TTL_indexes()
    {
        var indexes = await (await _database!.GetCollection<BsonDocument>(_collection).Indexes.ListAsync()).ToListAsync();
        var ttl = indexes.Where(i => i.Contains("expireAfterSeconds")).Select(i => i["name"].AsString);
        Assert.That(ttl, Is.EquivalentTo(new[] { "expiresAt_1", "absoluteExpiresAt_1" }));
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
