using MongoDB.Bson;
using MongoSessions.Values;

namespace MongoSessions;

/// <summary>
/// The values of one session, held as a BSON document (the format MongoDB stores). Stores that keep sessions in
/// memory or as bytes use <see cref="Apply"/> to carry out an update exactly as MongoDB would.
/// </summary>
public sealed class SessionData
{
    /// <summary>Creates empty session data.</summary>
    public SessionData()
        : this(new BsonDocument())
    {
    }

    internal SessionData(BsonDocument document) => Document = document;

    /// <summary>The number of top-level keys.</summary>
    public int Count => Document.ElementCount;

    /// <summary>The top-level keys, in the order they were first set.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var element in Document)
            {
                yield return element.Name;
            }
        }
    }

    internal BsonDocument Document { get; }

    /// <summary>True when the dotted path exists, even when its value is null, false or zero.</summary>
    public bool Contains(string path) => BsonPathEditor.Find(Document, path) is not null;

    /// <summary>A deep copy that shares nothing with this instance.</summary>
    public SessionData Clone() => new(Document.DeepClone().AsBsonDocument);

    /// <summary>
    /// Applies the operations in order, all or none: when one cannot be applied (a path through a value that is
    /// not a document, an increment of a non-number, a push to a non-array) an <see cref="InvalidOperationException"/>
    /// is thrown and this data is left unchanged.
    /// </summary>
    /// <returns>
    /// What the operations report: the new value of each incremented path and the old value of each pulled path
    /// (absent when the pulled path did not exist), as <see cref="SessionWriteResult.Values"/> holds them.
    /// </returns>
    public SessionData Apply(IReadOnlyList<SessionOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var results = new BsonDocument();
        if (operations.Count == 0)
        {
            return new SessionData(results);
        }
        if (operations.Count == 1)
        {
            // one operation is all or none by itself: each fails, if it fails, before it changes anything (a path
            // blocked by a value that is not a document is met before any missing document is made), so the common
            // write needs no copy of the whole session
            ApplyOne(Document, operations[0], results);
            return new SessionData(results);
        }
        var draft = Document.DeepClone().AsBsonDocument;
        foreach (var operation in operations)
        {
            ApplyOne(draft, operation, results);
        }
        Document.Clear();
        foreach (var element in draft)
        {
            Document.Add(element.Name, element.Value);
        }
        return new SessionData(results);
    }

    private static void ApplyOne(BsonDocument target, SessionOperation operation, BsonDocument results)
    {
        switch (operation.Kind)
        {
            case SessionOperationKind.Set:
                BsonPathEditor.Set(target, operation.Path, operation.Value!);
                break;
            case SessionOperationKind.Unset:
                BsonPathEditor.Unset(target, operation.Path);
                break;
            case SessionOperationKind.Increment:
                var sum = BsonPathEditor.Increment(target, operation.Path, ((BsonInt64)operation.Value!).Value);
                BsonPathEditor.Set(results, operation.Path, sum.DeepClone());
                break;
            case SessionOperationKind.Push:
                BsonPathEditor.Push(target, operation.Path, operation.Value!);
                break;
            case SessionOperationKind.Pull:
                if (BsonPathEditor.Find(target, operation.Path) is { } old)
                {
                    BsonPathEditor.Set(results, operation.Path, old.DeepClone());
                }
                BsonPathEditor.Unset(target, operation.Path);
                break;
            case SessionOperationKind.Clear:
                target.Clear();
                break;
        }
    }

    /// <summary>The data as plain CLR values (see <see cref="MongoSess.GetAsync(CancellationToken)"/>).</summary>
    public IReadOnlyDictionary<string, object?> ToDictionary() => (Dictionary<string, object?>)BsonToClrMapper.ToNatural(Document)!;

    /// <summary>The value at the dotted path, or null when there is none.</summary>
    public BsonValue? Find(string path) => BsonPathEditor.Find(Document, path);
}
