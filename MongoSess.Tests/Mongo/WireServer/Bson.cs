using MongoSessions.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

/// <summary>Short builders for the BSON the wire-server tests send.</summary>
internal static class Bson
{
    /// <summary>A document from name/value pairs; CLR values become BSON (int, long, double, string, bool, DateTime, null).</summary>
    public static BsonDocument Doc(params object?[] pairs)
    {
        var document = new BsonDocument();
        for (int i = 0; i < pairs.Length; i += 2)
        {
            document.Add((string)pairs[i]!, Value(pairs[i + 1]));
        }
        return document;
    }

    public static BsonArray Arr(params object?[] items) => new(items.Select(Value));

    public static BsonValue Value(object? value) => value switch
    {
        null => BsonNull.Value,
        BsonValue v => v,
        int i => new BsonInt32(i),
        long l => new BsonInt64(l),
        double d => new BsonDouble(d),
        string s => new BsonString(s),
        bool b => BsonBoolean.Of(b),
        DateTimeOffset t => BsonDateTime.FromDateTimeOffset(t),
        _ => throw new ArgumentException($"no BSON for {value.GetType()}", nameof(value)),
    };

    public static double Ok(this BsonDocument reply) => reply["ok"] is BsonDouble d ? d.Value : double.NaN;

    public static int Int(this BsonDocument document, string name) => document[name] switch
    {
        BsonInt32 i => i.Value,
        var other => throw new AssertionException($"{name} is {other?.GetType().Name ?? "missing"}, not an int32"),
    };

    public static string Str(this BsonDocument document, string name) =>
        (document[name] as BsonString)?.Value ?? throw new AssertionException($"{name} is not a string");

    public static BsonDocument Sub(this BsonDocument document, string name) =>
        document[name] as BsonDocument ?? throw new AssertionException($"{name} is not a document");

    public static BsonArray Items(this BsonDocument document, string name) =>
        document[name] as BsonArray ?? throw new AssertionException($"{name} is not an array");
}
