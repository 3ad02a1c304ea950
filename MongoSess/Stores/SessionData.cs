using MongoSessions.Bson;

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
    public int Count => Document.Count;

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
    public SessionData Clone() => new(Document.DeepCloneDocument());

    /// <summary>
    /// Applies the operations in order, all or none: when one cannot be applied (a path through a value that is
    /// not a document, an increment of a non-number) an <see cref="InvalidOperationException"/> is thrown and this
    /// data is left unchanged.
    /// </summary>
    public void Apply(IReadOnlyList<SessionOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            return;
        }
        var draft = Document.DeepCloneDocument();
        foreach (var operation in operations)
        {
            switch (operation.Kind)
            {
                case SessionOperationKind.Set:
                    BsonPathEditor.Set(draft, operation.Path, operation.BsonValue!);
                    break;
                case SessionOperationKind.Unset:
                    BsonPathEditor.Unset(draft, operation.Path);
                    break;
                case SessionOperationKind.Increment:
                    BsonPathEditor.Increment(draft, operation.Path, ((BsonInt64)operation.BsonValue!).Value);
                    break;
            }
        }
        Document.Clear();
        foreach (var element in draft)
        {
            Document.Add(element.Name, element.Value);
        }
    }

    /// <summary>The data as plain CLR values (see <see cref="MongoSess.GetAsync(CancellationToken)"/>).</summary>
    public IReadOnlyDictionary<string, object?> ToDictionary() => (Dictionary<string, object?>)BsonToClrMapper.ToNatural(Document)!;

    internal BsonValue? Find(string path) => BsonPathEditor.Find(Document, path);
}
