using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>An index definition as listIndexes shows it: <c>{ v: 2, key, name, ...options }</c>.</summary>
internal sealed record WireIndex(BsonDocument Spec)
{
    public static WireIndex Id { get; } = new(new BsonDocument()
        .Add("v", new BsonInt32(2))
        .Add("key", new BsonDocument().Add("_id", new BsonInt32(1)))
        .Add("name", new BsonString("_id_")));

    public string Name => ((BsonString)Spec.GetValue("name", null)!).Value;

    public BsonDocument Key => (BsonDocument)Spec.GetValue("key", null)!;

    public bool Unique => Name == "_id_" || (Spec.GetValue("unique", null) is { } u && FilterMatcher.IsTruthy(u));

    /// <summary>The partialFilterExpression, or null for an index over every document.</summary>
    public BsonDocument? PartialFilter => Spec.GetValue("partialFilterExpression", null) as BsonDocument;

    /// <summary>Whether the index holds this document: a partial index only those its filter matches.</summary>
    public bool Covers(BsonDocument document) => PartialFilter is not { } filter || FilterMatcher.Matches(document, filter);

    public double? ExpireAfterSeconds => Spec.GetValue("expireAfterSeconds", null) is { } v && BsonNumber.IsNumber(v) ? BsonNumber.ToDouble(v) : null;

    /// <summary>The options that make two indexes on the same key different (name, v and build hints excluded).</summary>
    public BsonDocument Options
    {
        get
        {
            var options = new BsonDocument();
            foreach (var element in Spec.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (element.Name is not ("v" or "key" or "name" or "ns" or "background"))
                {
                    options.Add(element.Name, element.Value);
                }
            }
            return options;
        }
    }

    public bool SameOptions(WireIndex other) => BsonOrder.AreEqual(Options, other.Options);

    public bool SameKey(WireIndex other) => Key.Equals(other.Key) || BsonOrder.AreEqual(Key, other.Key);
}
