using BenchmarkDotNet.Attributes;
using MongoSessions.Bson;
using MongoSessions.Cookies;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Benchmarks;

/// <summary>
/// 256 concurrent session increments (one findAndModify each, each on its own session) over a pool of
/// <see cref="PoolSize"/> connections to the wire server, which answers at once or, with <see cref="ServerDelayMs"/>,
/// after a delay like a real server's (the in-process server shares the client's two cores, so without a delay the
/// server's CPU is the limit). Reported per operation; the thread pool's size is printed after each run, since
/// starvation would show as threads injected one by one and a collapse in throughput.
/// </summary>
[MemoryDiagnoser]
public class PoolBenchmarks
{
    private const int Concurrency = 256;

    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly string[] _ids = new string[Concurrency];
    private readonly Task<SessionWriteResult?>[] _tasks = new Task<SessionWriteResult?>[Concurrency];
    private MongoWireServer? _server;
    private MongoSessionStore? _store;
    private int _threadsAtStart;

    [Params(1, 4, 16, 64)]
    public int PoolSize { get; set; }

    [Params(0, 1)]
    public int ServerDelayMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = MongoWireServer.Start();
        _store = MongoStores.ConnectAsync(_server, PoolSize).GetAwaiter().GetResult();
        for (int i = 0; i < Concurrency; i++)
        {
            _ids[i] = SessionIdGenerator.NewId();
            var create = new SessionUpdate(_ids[i], [SessionOperation.Set("views", new BsonInt64(0))], _now, _now.AddDays(14), createIfMissing: true);
            _store.UpdateAsync(create, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        if (ServerDelayMs > 0)
        {
            _server.Faults.Delay("findAndModify", TimeSpan.FromMilliseconds(ServerDelayMs));
        }
        _threadsAtStart = ThreadPool.ThreadCount;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// pool {PoolSize}, server delay {ServerDelayMs} ms: thread pool threads {_threadsAtStart} at start, {ThreadPool.ThreadCount} at end, {ThreadPool.PendingWorkItemCount} work items pending");
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Concurrency, Description = "mongo pool: 256 concurrent increments")]
    public async Task Concurrent()
    {
        for (int i = 0; i < Concurrency; i++)
        {
            var update = new SessionUpdate(_ids[i], [SessionOperation.Increment("views", 1)], _now, _now.AddDays(14), createIfMissing: false);
            _tasks[i] = _store!.UpdateAsync(update, CancellationToken.None).AsTask();
        }
        await Task.WhenAll(_tasks);
    }
}
