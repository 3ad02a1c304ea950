using BenchmarkDotNet.Attributes;
using MongoSessions.Bson;
using MongoSessions.Cookies;

namespace MongoSessions.Benchmarks;

/// <summary>
/// The per-request path without HTTP: <c>new MongoSess(ctx)</c> over a held request that carries a signed cookie,
/// then the demo's <c>/views</c> work (one increment, which re-issues the Set-Cookie line). "fixed" is a store that
/// answers at once, so it shows MongoSess's own cost; "memory" is <see cref="MemorySessionStore"/>.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private HeldExchange? _exchange;

    [Params("fixed", "memory")]
    public string Store { get; set; } = "fixed";

    [GlobalSetup]
    public void Setup()
    {
        var keys = new Keyring(Keyring.GenerateSecret());
        ISessionStore store = Store == "memory" ? new MemorySessionStore() : new FixedResultStore();
        MongoSess.ConnectAsync(store, new MongoSessOptions { Cookie = new SessionCookieOptions { Keys = keys } }).GetAwaiter().GetResult();
        var id = SessionIdGenerator.NewId();
        var now = DateTimeOffset.UtcNow;
        var create = new SessionUpdate(id, [SessionOperation.Set("views", new BsonInt64(0))], now, now.AddDays(14), createIfMissing: true);
        store.UpdateAsync(create, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _exchange = HeldExchange.Start($"theme=dark; sess={CookieSigner.Sign(id, keys)}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exchange?.Dispose();
        MongoSess.CloseAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "request: new MongoSess, session untouched")]
    public MongoSess Untouched() => new(_exchange!.Context);

    [Benchmark(Description = "request: new MongoSess + IncrementAsync + Set-Cookie")]
    public async Task<long> Increment()
    {
        var context = _exchange!.Context;
        var session = new MongoSess(context);
        long views = await session.IncrementAsync("views");
        // a real response leaves with its one Set-Cookie line; the held one must not collect them
        context.Response.Headers.Remove("Set-Cookie");
        return views;
    }
}
