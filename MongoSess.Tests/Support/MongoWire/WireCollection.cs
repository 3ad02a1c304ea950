using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>One collection: documents in natural (insertion) order, its indexes, and the unique <c>_id</c>. Callers hold the store's lock.</summary>
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

    /// <exception cref="MongoCommandError">The <c>_id</c> is taken (11000), or the document is too large (10334).</exception>
    public void Insert(BsonDocument document)
    {
        int size = document.ToBson().Length;
        if (size > MaxBsonObjectSize)
        {
            throw new MongoCommandError(MongoErrorCodes.BsonObjectTooLarge, $"object to insert too large. size in bytes: {size}, max size: {MaxBsonObjectSize}");
        }
        CheckUnique(document);
        _documents.Add(document);
        _byId[IdKey.Of(document.GetValue("_id", null)!)] = document;
    }

    /// <summary>Puts <paramref name="updated"/> where <paramref name="original"/> was; the <c>_id</c> is unchanged (the store never sets it).</summary>
    public void Replace(BsonDocument original, BsonDocument updated)
    {
        int size = updated.ToBson().Length;
        if (size > MaxBsonObjectSize)
        {
            throw new MongoCommandError(MongoErrorCodes.UpdateResultTooLarge, $"Resulting document after update is larger than {MaxBsonObjectSize}");
        }
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

    private void CheckUnique(BsonDocument document)
    {
        var id = document.GetValue("_id", null)!;
        if (_byId.ContainsKey(IdKey.Of(id)))
        {
            var keyValue = new BsonDocument("_id", id.DeepClone());
            throw new MongoCommandError(
                MongoErrorCodes.DuplicateKey,
                $"E11000 duplicate key error collection: {Namespace} index: _id_ dup key: {ShellText.Of(keyValue)}",
                new BsonDocument().Add("keyPattern", WireIndex.Id.Key.DeepClone()).Add("keyValue", keyValue));
        }
    }
}
