using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>An open cursor: the documents not yet returned, taken in batches under its own lock.</summary>
internal sealed class WireCursor(long id, string ns, IEnumerable<BsonDocument> remaining)
{
    private readonly Queue<BsonDocument> _remaining = new(remaining);

    public long Id { get; } = id;

    public string Namespace { get; } = ns;

    /// <summary>The next batch: up to <paramref name="batchSize"/> documents and about 16 MiB (always at least one).</summary>
    public (BsonArray Batch, bool Exhausted) Take(int batchSize)
    {
        lock (_remaining)
        {
            var batch = new BsonArray();
            long bytes = 0;
            while (batch.Count < batchSize && _remaining.Count > 0)
            {
                long size = _remaining.Peek().ToBson().Length;
                if (batch.Count > 0 && bytes + size > WireCollection.MaxBsonObjectSize)
                {
                    break;
                }
                bytes += size;
                batch.Add(_remaining.Dequeue());
            }
            return (batch, _remaining.Count == 0);
        }
    }
}
