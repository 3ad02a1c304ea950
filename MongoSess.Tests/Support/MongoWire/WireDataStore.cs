using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// The in-memory databases of one server or of all members of a replica set, with the retryable-write results
/// (mongod keeps those in config.transactions, which replicates, so a retry on a new primary finds them too).
/// Every access holds <see cref="Gate"/>.
/// </summary>
internal sealed class WireDataStore
{
    private long _retriesAnswered;
    private readonly Dictionary<string, WireCollection> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Lsid, long TxnNumber), BsonDocument> _retryableWrites = [];

    public object Gate { get; } = new();

    public WireCollection? Find(string database, string collection)
    {
        lock (Gate)
        {
            return _collections.GetValueOrDefault($"{database}.{collection}");
        }
    }

    public WireCollection GetOrCreate(string database, string collection, out bool created)
    {
        lock (Gate)
        {
            created = false;
            if (!_collections.TryGetValue($"{database}.{collection}", out var found))
            {
                found = new WireCollection(database, collection);
                _collections.Add(found.Namespace, found);
                created = true;
            }
            return found;
        }
    }

    public WireCollection GetOrCreate(string database, string collection) => GetOrCreate(database, collection, out _);

    /// <summary>Copies of the documents of a collection, in natural order (empty when it does not exist). For test assertions.</summary>
    public List<BsonDocument> Documents(string database, string collection)
    {
        lock (Gate)
        {
            return Find(database, collection)?.Documents.Select(d => d.DeepClone().AsBsonDocument).ToList() ?? [];
        }
    }

    /// <summary>
    /// One pass of mongod's TTL monitor: deletes each document whose TTL-indexed date (the earliest, for an array)
    /// plus the index's expireAfterSeconds is not after <paramref name="now"/>.
    /// </summary>
    /// <returns>How many documents were deleted.</returns>
    public int RunTtlMonitor(DateTimeOffset now)
    {
        lock (Gate)
        {
            int deleted = 0;
            foreach (var collection in _collections.Values)
            {
                foreach (var index in collection.Indexes.Where(i => i.ExpireAfterSeconds is not null && i.Key.ElementCount == 1).ToList())
                {
                    foreach (var document in collection.Documents.ToList())
                    {
                        if (ExpiresAt(document, index) is { } expiry && expiry <= now)
                        {
                            collection.Remove(document);
                            deleted++;
                        }
                    }
                }
            }
            return deleted;
        }
    }

    /// <summary>How many retried writes were answered from the remembered reply instead of being applied again.</summary>
    public long RetriesAnswered => Interlocked.Read(ref _retriesAnswered);

    public bool TryGetRetryableWrite(string lsid, long txnNumber, out BsonDocument reply)
    {
        lock (Gate)
        {
            if (_retryableWrites.TryGetValue((lsid, txnNumber), out reply!))
            {
                Interlocked.Increment(ref _retriesAnswered);
                return true;
            }
            return false;
        }
    }

    public void RememberRetryableWrite(string lsid, long txnNumber, BsonDocument reply)
    {
        lock (Gate)
        {
            _retryableWrites[(lsid, txnNumber)] = reply.DeepClone().AsBsonDocument;
        }
    }

    /// <summary>
    /// Forgets every remembered retryable write but the newest of each session, as mongod does once a session moves to
    /// a higher txnNumber; for long runs (the soak) that would otherwise keep every reply.
    /// </summary>
    public void ForgetOlderRetryableWrites()
    {
        lock (Gate)
        {
            var newest = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (lsid, txnNumber) in _retryableWrites.Keys)
            {
                if (!newest.TryGetValue(lsid, out long known) || txnNumber > known)
                {
                    newest[lsid] = txnNumber;
                }
            }
            foreach (var key in _retryableWrites.Keys.Where(k => newest[k.Lsid] != k.TxnNumber).ToList())
            {
                _retryableWrites.Remove(key);
            }
        }
    }

    private static DateTimeOffset? ExpiresAt(BsonDocument document, WireIndex index)
    {
        var dates = DocumentPath.Values(document, index.Key.GetElement(0).Name).OfType<BsonDateTime>().ToList();
        if (dates.Count == 0)
        {
            return null;
        }
        long earliest = dates.Min(d => d.MillisecondsSinceEpoch);
        return DateTimeOffset.FromUnixTimeMilliseconds(earliest).AddSeconds(index.ExpireAfterSeconds!.Value);
    }
}
