using System.Collections.Concurrent;
using System.Security.Cryptography;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>The open cursors of one server (cursors live on the member that created them, as in mongod).</summary>
internal sealed class CursorRegistry
{
    // mongod's default batch for the first reply of find and aggregate
    public const int DefaultFirstBatchSize = 101;

    private readonly ConcurrentDictionary<long, WireCursor> _cursors = new();

    public int OpenCount => _cursors.Count;

    /// <summary>Builds a first-batch cursor reply <c>{ cursor: { firstBatch, id, ns }, ok: 1 }</c>, keeping a cursor open if more remains.</summary>
    public BsonDocument FirstBatch(string ns, IEnumerable<BsonDocument> results, long? batchSize, bool singleBatch = false)
    {
        var cursor = new WireCursor(NewId(), ns, results);
        var (batch, exhausted) = cursor.Take((int)Math.Min(batchSize ?? DefaultFirstBatchSize, int.MaxValue));
        long id = 0;
        if (!exhausted && !singleBatch)
        {
            _cursors[cursor.Id] = cursor;
            id = cursor.Id;
        }
        return Reply("firstBatch", batch, id, ns);
    }

    public WireCursor? Find(long id) => _cursors.GetValueOrDefault(id);

    public bool Kill(long id) => _cursors.TryRemove(id, out _);

    public static BsonDocument Reply(string batchName, BsonArray batch, long id, string ns) => new BsonDocument()
        .Add("cursor", new BsonDocument()
            .Add(batchName, batch)
            .Add("id", new BsonInt64(id))
            .Add("ns", new BsonString(ns)))
        .Add("ok", new BsonDouble(1));

    private long NewId()
    {
        while (true)
        {
            long id = RandomNumberGenerator.GetInt32(1, int.MaxValue) * 4096L + RandomNumberGenerator.GetInt32(4096);
            if (!_cursors.ContainsKey(id))
            {
                return id;
            }
        }
    }
}
