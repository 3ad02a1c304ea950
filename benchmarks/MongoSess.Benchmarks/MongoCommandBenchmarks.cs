using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Cookies;
using MongoSessions.Values;

namespace MongoSessions.Benchmarks;

/// <summary>
/// Each store operation a request uses, against a loopback server that answers at once with a canned reply: the bare
/// driver call with exactly the command MongoSess sends (the baseline of each category), then the same through
/// <see cref="MongoSessionStore"/>. The difference is MongoSess's own work on top of the driver: building the
/// command from a <see cref="SessionUpdate"/>, the size check, translating the reply into a result or record.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MongoCommandBenchmarks
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly string _id = SessionToken.New();
    private CannedMongoServer? _server;
    private MongoClient? _client;
    private MongoSessionStore? _store;
    private IMongoCollection<BsonDocument>? _collection;
    private BsonDocument _filter = [];
    private BsonDocument _changes = [];
    private FindOneAndUpdateOptions<BsonDocument>? _modifyOptions;
    private BsonDocument _liveFilter = [];
    private BsonDocument _created = [];
    private SessionUpdate? _create;
    private readonly FindOptions<BsonDocument> _loadOne = new() { Limit = -1 };

    [GlobalSetup]
    public void Setup()
    {
        var session = TypicalSession.Create();
        _server = new CannedMongoServer(new CannedReplies(session));
        // the settings MongoSess gives a client it creates (socket timeout, logging filter), for both sides alike
        var (settings, _, _) = MongoClientFactory.Configure(new MongoSessOptions { ConnectionString = $"mongodb://127.0.0.1:{_server.Port}/?directConnection=true" }, null);
        _client = new MongoClient(settings);
        var database = _client.GetDatabase("bench");
        _collection = database.GetCollection<BsonDocument>("sessions");
        _store = new MongoSessionStore(database, new MongoSessionStoreOptions { CreateIndexes = false });

        var modification = MongoSessionModification.For(Increment());
        _filter = modification.Filter;
        _changes = modification.Changes;
        _modifyOptions = new FindOneAndUpdateOptions<BsonDocument> { Projection = modification.Projection, ReturnDocument = ReturnDocument.After };
        _liveFilter = MongoFilters.Live(_id, _now);
        _create = new SessionUpdate(SessionToken.New(), SessionToken.Hash("bench"), [SessionOperation.Set("views", new BsonInt64(0)), SessionOperation.Set("user", new BsonString("ann"))], _now, _now.AddDays(14), createIfMissing: true);
        _created = SessionRecord.CreateFrom(_create).ToDocument();
        // the first command waits for the monitor to find the server
        _store.LoadAsync(_id, _now, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_client is not null)
        {
            MongoSessionStore.CloseOwned(_client);
        }
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "increment: driver FindOneAndUpdateAsync, MongoSess's command prebuilt")]
    [BenchmarkCategory("increment")]
    public Task<BsonDocument> IncrementDriver() => _collection!.FindOneAndUpdateAsync<BsonDocument>(_filter, _changes, _modifyOptions);

    [Benchmark(Description = "increment: MongoSessionStore.UpdateAsync")]
    [BenchmarkCategory("increment")]
    public Task<SessionWriteResult?> IncrementStore() => _store!.UpdateAsync(Increment(), CancellationToken.None).AsTask();

    [Benchmark(Baseline = true, Description = "load: driver FindAsync + FirstOrDefaultAsync, MongoSess's filter prebuilt")]
    [BenchmarkCategory("load")]
    public async Task<BsonDocument> LoadDriver()
    {
        using var cursor = await _collection!.FindAsync(_liveFilter, _loadOne);
        return await cursor.FirstOrDefaultAsync();
    }

    [Benchmark(Description = "load: MongoSessionStore.LoadAsync (~1 KB session)")]
    [BenchmarkCategory("load")]
    public Task<SessionRecord?> LoadStore() => _store!.LoadAsync(_id, _now, CancellationToken.None).AsTask();

    [Benchmark(Baseline = true, Description = "create: driver InsertOneAsync, MongoSess's document prebuilt")]
    [BenchmarkCategory("create")]
    public Task CreateDriver() => _collection!.InsertOneAsync(_created);

    [Benchmark(Description = "create: MongoSessionStore.UpdateAsync (create)")]
    [BenchmarkCategory("create")]
    public Task<SessionWriteResult?> CreateStore() => _store!.UpdateAsync(_create!, CancellationToken.None).AsTask();

    private SessionUpdate Increment() => new(_id, SessionToken.Hash(_id), [SessionOperation.Increment("views", 1)], _now, _now.AddDays(14), createIfMissing: false);
}
