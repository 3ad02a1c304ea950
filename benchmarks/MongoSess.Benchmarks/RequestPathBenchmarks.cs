using BenchmarkDotNet.Attributes;
using MongoDB.Bson;
using MongoSessions.Cookies;
using MongoSessions.Sessions;

namespace MongoSessions.Benchmarks;

/// <summary>
/// The per-request path without HTTP: <c>new MongoSess(ctx)</c> over a held request that carries a signed cookie,
/// then the demo's <c>/views</c> work (one increment, which re-issues the Set-Cookie line). "fixed" is a store that
/// answers at once, so it shows MongoSess's own code; "memory" is <see cref="MemorySessionStore"/> with a session that
/// holds only the counter, "memory-1KB" the same with the ~1 KB typical session data beside it.
/// These are MongoSess's own code in isolation, hot in cache, one thread: not what a server pays per request. They
/// leave out HttpListener formatting and sending the extra headers, the collections it copies, the larger response
/// and the garbage collections the allocations cause under load; <see cref="ServedRequestBenchmarks"/> measures that.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private HeldExchange? _exchange;

    [Params("fixed", "memory", "memory-1KB")]
    public string Store { get; set; } = "fixed";

    [GlobalSetup]
    public void Setup()
    {
        var keys = new Keyring(Keyring.GenerateSecret());
        ISessionStore store = Store.StartsWith("memory", StringComparison.Ordinal) ? new MemorySessionStore() : new FixedResultStore();
        MongoSess.ConnectAsync(store, new MongoSessOptions { Cookie = new SessionCookieOptions { Keys = keys } }).GetAwaiter().GetResult();
        var id = SessionToken.New();
        var now = DateTimeOffset.UtcNow;
        var operations = new List<SessionOperation> { SessionOperation.Set("views", new BsonInt64(0)) };
        if (Store == "memory-1KB")
        {
            foreach (var element in TypicalSession.Create()["data"].AsBsonDocument)
            {
                if (element.Name != "views")
                {
                    operations.Add(SessionOperation.Set(element.Name, element.Value));
                }
            }
        }
        var create = new SessionUpdate(SessionToken.KeyOf(id), SessionToken.Hash(id), operations, now, now.AddDays(14), createIfMissing: true);
        store.UpdateAsync(create, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _exchange = HeldExchange.Start($"theme=dark; sess={CookieSigner.Sign(id, keys)}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exchange?.Dispose();
        MongoSess.CloseAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "isolated: new MongoSess, session untouched")]
    public MongoSess Untouched() => new(_exchange!.Context);

    // MongoSess's own code for the cookie (in isolation, not the server's cost: see ServedRequestBenchmarks): cookie in
    // (parse, verify), the session object, Set-Cookie out; the
    // pieces new MongoSess(ctx) builds, driven directly, since only a store write sends a cookie through the public API
    [Benchmark(Description = "isolated: cookie verify + session object + Set-Cookie (own code only)")]
    public string? CookieInSessionCookieOut()
    {
        var context = _exchange!.Context;
        var manager = MongoSess.DefaultClient!;
        var cookies = new RequestCookies(context.Request, context.Response, manager.Cookie, manager.Logger);
        var session = new RequestSession(manager, cookies);
        string? id = session.Id;
        var now = DateTimeOffset.UtcNow;
        cookies.WriteSession(cookies.VerifiedToken!, now.AddDays(14), browserSession: false, ownLifetime: false, now, kindChanged: false);
        context.Response.Headers.Remove("Set-Cookie");
        return id;
    }

    [Benchmark(Description = "isolated: new MongoSess + IncrementAsync + Set-Cookie (own code only)")]
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
