using BenchmarkDotNet.Attributes;
using MongoDB.Bson;
using MongoSessions.Cookies;

namespace MongoSessions.Benchmarks;

/// <summary>
/// MongoSess's own work around each driver call of <see cref="MongoSessionStore"/>, without I/O: what it builds before
/// the call and what it makes of the reply. Precise where <see cref="MongoCommandBenchmarks"/>' round trips carry
/// the socket's noise.
/// </summary>
[MemoryDiagnoser]
public class MongoStoreWorkBenchmarks
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly string _id = SessionToken.New();
    private readonly BsonDocument _incrementReply = new("data", new BsonDocument("views", 7L));
    private readonly BsonDocument _session = TypicalSession.Create();

    [Benchmark(Description = "increment: SessionUpdate + findAndModify documents + result from the reply")]
    public SessionWriteResult Increment()
    {
        var update = new SessionUpdate(_id, SessionToken.Hash(_id), [SessionOperation.Increment("views", 1)], _now, _now.AddDays(14), createIfMissing: false);
        var modification = MongoSessionModification.For(update);
        return modification.ResultFrom(_incrementReply, update);
    }

    [Benchmark(Description = "load: find filter + session record from the ~1 KB document")]
    public SessionRecord Load()
    {
        _ = MongoFilters.Live(_id, _now);
        return SessionRecord.FromDocument(_session);
    }

    [Benchmark(Description = "create: SessionUpdate + new record + its document + size check")]
    public BsonDocument Create()
    {
        var update = new SessionUpdate(_id, SessionToken.Hash(_id), [SessionOperation.Set("views", new BsonInt64(0)), SessionOperation.Set("user", new BsonString("ann"))], _now, _now.AddDays(14), createIfMissing: true);
        var document = SessionRecord.CreateFrom(update, out _).ToDocument();
        MongoSessionModification.EnsureFits(update, document);
        return document;
    }
}
