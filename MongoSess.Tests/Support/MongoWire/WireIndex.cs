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

    public double? ExpireAfterSeconds => Spec.GetValue("expireAfterSeconds", null) is { } v && BsonNumber.IsNumber(v) ? BsonNumber.ToDouble(v) : null;
}
