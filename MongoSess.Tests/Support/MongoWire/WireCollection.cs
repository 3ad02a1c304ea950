using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>One collection: documents in natural (insertion) order, its indexes, and unique-key checks. Callers hold the store's lock.</summary>
internal sealed class WireCollection(string database, string name)
{
    public const int MaxBsonObjectSize = 16 * 1024 * 1024;

    private readonly List<BsonDocument> _documents = [];
    private readonly Dictionary<string, BsonDocument> _byId = new(StringComparer.Ordinal);

    public string Database { get; } = database;

    public string Name { get; } = name;

    public string Namespace => $"{Database}.{Name}";

    public IReadOnlyList<BsonDocument> Documents => _documents;

    public List<WireIndex> Indexes { get; } = [WireIndex.Id];

    public IEnumerable<BsonDocument> Matching(BsonDocument filter)
    {
        // a snapshot, so callers may change the collection while they enumerate
        foreach (var document in _documents.ToArray())
        {
            if (FilterMatcher.Matches(document, filter))
            {
                yield return document;
            }
        }
    }

    /// <exception cref="MongoCommandError">A unique index already holds the key (11000), or the document is too large (10334).</exception>
    public void Insert(BsonDocument document)
    {
        int size = document.ToBson().Length;
        if (size > MaxBsonObjectSize)
        {
            throw new MongoCommandError(MongoErrorCodes.BsonObjectTooLarge, $"object to insert too large. size in bytes: {size}, max size: {MaxBsonObjectSize}");
        }
        CheckUnique(document, replacing: null);
        _documents.Add(document);
        _byId[IdKey.Of(document.GetValue("_id", null)!)] = document;
    }

    /// <summary>Puts <paramref name="updated"/> where <paramref name="original"/> was; the <c>_id</c> is unchanged.</summary>
    public void Replace(BsonDocument original, BsonDocument updated)
    {
        int size = updated.ToBson().Length;
        if (size > MaxBsonObjectSize)
        {
            throw new MongoCommandError(MongoErrorCodes.UpdateResultTooLarge, $"Resulting document after update is larger than {MaxBsonObjectSize}");
        }
        CheckUnique(updated, replacing: original);
        _documents[IndexOf(original)] = updated;
        _byId[IdKey.Of(updated.GetValue("_id", null)!)] = updated;
    }

    public void Remove(BsonDocument document)
    {
        _documents.RemoveAt(IndexOf(document));
        _byId.Remove(IdKey.Of(document.GetValue("_id", null)!));
    }

    private int IndexOf(BsonDocument document)
    {
        for (int i = 0; i < _documents.Count; i++)
        {
            if (ReferenceEquals(_documents[i], document))
            {
                return i;
            }
        }
        throw new InvalidOperationException("The document is not in the collection.");
    }

    private void CheckUnique(BsonDocument document, BsonDocument? replacing)
    {
        if (_byId.TryGetValue(IdKey.Of(document.GetValue("_id", null)!), out var sameId) && !ReferenceEquals(sameId, replacing))
        {
            throw DuplicateKey(WireIndex.Id, document);
        }
        foreach (var index in Indexes)
        {
            if (!index.Unique || index.Name == "_id_" || !index.Covers(document))
            {
                continue;
            }
            var key = KeyOf(index, document);
            if (_documents.Any(other => !ReferenceEquals(other, replacing) && index.Covers(other) && BsonOrder.AreEqual(KeyOf(index, other), key)))
            {
                throw DuplicateKey(index, document);
            }
        }
    }

    private static BsonDocument KeyOf(WireIndex index, BsonDocument document)
    {
        var key = new BsonDocument();
        foreach (var field in index.Key)
        {
            key.Add(field.Name, UpdatePath.Find(document, field.Name)?.DeepClone() ?? BsonNull.Value);
        }
        return key;
    }

    private MongoCommandError DuplicateKey(WireIndex index, BsonDocument document)
    {
        var keyValue = KeyOf(index, document);
        string dupKey = ShellText.Of(keyValue);
        return new MongoCommandError(
            MongoErrorCodes.DuplicateKey,
            $"E11000 duplicate key error collection: {Namespace} index: {index.Name} dup key: {dupKey}",
            new BsonDocument().Add("keyPattern", index.Key.DeepClone()).Add("keyValue", keyValue));
    }
}
