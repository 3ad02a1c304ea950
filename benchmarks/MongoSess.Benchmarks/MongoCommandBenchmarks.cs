using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using MongoSessions.Bson;
using MongoSessions.Cookies;
using MongoSessions.Internal;
using MongoSessions.Mongo;
using MongoSessions.Mongo.Topology;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Benchmarks;

/// <summary>
/// One session write (<c>views += 1</c>, a findAndModify) through the MongoDB store: against the in-test wire server
/// over loopback TCP (the whole round trip, server included), against a loopback server that only replays a canned
/// reply (the client's real socket and async cost, with almost nothing from the server), and against in-memory
/// replies (the client's CPU cost alone).
/// </summary>
[MemoryDiagnoser]
public class MongoCommandBenchmarks
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly string _id = SessionIdGenerator.NewId();
    private MongoWireServer? _server;
    private MongoSessionStore? _wireStore;
    private MongoClient? _cannedClient;
    private MongoSessionStore? _cannedStore;
    private CannedMongoServer? _loopbackServer;
    private MongoClient? _loopbackClient;
    private MongoSessionStore? _loopbackStore;
    private BsonDocument _command = new();

    [GlobalSetup]
    public void Setup()
    {
        _server = MongoWireServer.Start();
        _wireStore = MongoStores.ConnectAsync(_server, poolSize: 4).GetAwaiter().GetResult();
        var create = new SessionUpdate(_id, [SessionOperation.Set("views", new BsonInt64(0))], _now, _now.AddDays(14), createIfMissing: true);
        _wireStore.UpdateAsync(create, CancellationToken.None).AsTask().GetAwaiter().GetResult();

        var replies = new CannedReplies(CannedReplies.IncrementReply());
        _cannedClient = new MongoClient(new ClusterSettings
        {
            Seeds = [new MongoEndPoint("canned.invalid", 27017)],
            DirectConnection = true,
            StreamOpener = CannedMongoStream.Opener(replies),
            HeartbeatInterval = TimeSpan.FromMinutes(10),
        });
        _loopbackServer = new CannedMongoServer(replies);
        _loopbackClient = new MongoClient(new ClusterSettings
        {
            Seeds = [new MongoEndPoint("127.0.0.1", _loopbackServer.Port)],
            DirectConnection = true,
            HeartbeatInterval = TimeSpan.FromMinutes(10),
        });
        _loopbackStore = new MongoSessionStore(_loopbackClient, "bench", "sessions", NullLogger.Instance);
        _cannedStore = new MongoSessionStore(_cannedClient, "bench", "sessions", NullLogger.Instance);
        _command = new BsonDocument()
            .Add("findAndModify", new BsonString("sessions"))
            .Add("query", new BsonDocument().Add("_id", new BsonString(_id)))
            .Add("update", new BsonDocument().Add("$inc", new BsonDocument().Add("data.views", new BsonInt64(1))))
            .Add("new", BsonBoolean.True);
        // the first command waits for the monitor to find the server
        _cannedClient.WriteAsync("bench", _command, CancellationToken.None).GetAwaiter().GetResult();
        _loopbackClient.WriteAsync("bench", _command, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cannedStore?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _loopbackStore?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _loopbackServer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _wireStore?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "mongo: store increment, round trip to wire server")]
    public Task<SessionWriteResult?> WireServerRoundTrip() => _wireStore!.UpdateAsync(Increment(), CancellationToken.None).AsTask();

    [Benchmark(Description = "mongo: store increment, loopback server with canned reply")]
    public Task<SessionWriteResult?> StoreLoopbackCanned() => _loopbackStore!.UpdateAsync(Increment(), CancellationToken.None).AsTask();

    [Benchmark(Description = "mongo: store increment, client only (in-memory reply)")]
    public Task<SessionWriteResult?> StoreClientOnly() => _cannedStore!.UpdateAsync(Increment(), CancellationToken.None).AsTask();

    [Benchmark(Description = "mongo: MongoClient findAndModify, client only (in-memory reply)")]
    public async Task<object> CommandClientOnly() => await _cannedClient!.WriteAsync("bench", _command, CancellationToken.None);

    private SessionUpdate Increment() => new(_id, [SessionOperation.Increment("views", 1)], _now, _now.AddDays(14), createIfMissing: false);
}
