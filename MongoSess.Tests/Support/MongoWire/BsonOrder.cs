using MongoSessions.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// MongoDB's comparison order for BSON values: first by type bracket (MinKey, null, numbers, strings, documents, arrays,
/// binary, ObjectId, booleans, dates, timestamps, regexes, MaxKey), then by value; numbers compare by value across types.
/// </summary>
internal static class BsonOrder
{
    public static int Bracket(BsonValue value) => value switch
    {
        BsonMinKey => 1,
        BsonNull or BsonUndefined => 2,
        BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128 => 3,
        BsonString or BsonSymbol => 4,
        BsonDocument => 5,
        BsonArray => 6,
        BsonBinary => 7,
        BsonObjectId => 8,
        BsonBoolean => 9,
        BsonDateTime => 10,
        BsonTimestamp => 11,
        BsonRegularExpression => 12,
        BsonJavaScript => 13,
        BsonJavaScriptWithScope => 14,
        BsonMaxKey => 100,
        _ => 50,
    };

    public static bool AreEqual(BsonValue a, BsonValue b) => Compare(a, b) == 0;

    public static int Compare(BsonValue a, BsonValue b)
    {
        int bracket = Bracket(a).CompareTo(Bracket(b));
        if (bracket != 0)
        {
            return bracket;
        }
        return (a, b) switch
        {
            (BsonString x, BsonString y) => Math.Sign(string.CompareOrdinal(x.Value, y.Value)),
            (BsonDocument x, BsonDocument y) => CompareDocuments(x, y),
            (BsonArray x, BsonArray y) => CompareArrays(x, y),
            (BsonBinary x, BsonBinary y) => x.Data.Length != y.Data.Length ? x.Data.Length.CompareTo(y.Data.Length)
                : x.Subtype != y.Subtype ? x.Subtype.CompareTo(y.Subtype) : x.Data.AsSpan().SequenceCompareTo(y.Data),
            (BsonObjectId x, BsonObjectId y) => Math.Sign(x.Bytes.AsSpan().SequenceCompareTo(y.Bytes)),
            (BsonBoolean x, BsonBoolean y) => x.Value.CompareTo(y.Value),
            (BsonDateTime x, BsonDateTime y) => x.MillisecondsSinceEpoch.CompareTo(y.MillisecondsSinceEpoch),
            (BsonTimestamp x, BsonTimestamp y) => x.Value.CompareTo(y.Value),
            _ when Bracket(a) == 3 => BsonNumber.Compare(a, b),
            _ => a.Equals(b) ? 0 : string.CompareOrdinal(a.ToString(), b.ToString()),
        };
    }

    private static int CompareDocuments(BsonDocument x, BsonDocument y)
    {
        for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            int c = Bracket(x[i].Value).CompareTo(Bracket(y[i].Value));
            if (c == 0)
            {
                c = Math.Sign(string.CompareOrdinal(x[i].Name, y[i].Name));
            }
            if (c == 0)
            {
                c = Compare(x[i].Value, y[i].Value);
            }
            if (c != 0)
            {
                return c;
            }
        }
        return x.Count.CompareTo(y.Count);
    }

    private static int CompareArrays(BsonArray x, BsonArray y)
    {
        for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            int c = Compare(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return x.Count.CompareTo(y.Count);
    }
}
