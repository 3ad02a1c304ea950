using MongoDB.Bson;

namespace MongoSessions.Values;

/// <summary>Value equality as MongoDB's query matching sees it: numbers compare by value across int32, int64, double and decimal128.</summary>
internal static class BsonComparison
{
    public static bool AreEqual(BsonValue a, BsonValue b)
    {
        if (ToDecimal(a) is { } x && ToDecimal(b) is { } y)
        {
            return x == y;
        }
        return a.Equals(b);
    }

    private static decimal? ToDecimal(BsonValue value)
    {
        return value switch
        {
            BsonInt32 i => i.Value,
            BsonInt64 l => l.Value,
            BsonDouble d when double.IsFinite(d.Value) && Math.Abs(d.Value) < 7.9e28 => (decimal)d.Value,
            BsonDecimal128 m => BsonConversions.ToDecimal(m),
            _ => null,
        };
    }
}
