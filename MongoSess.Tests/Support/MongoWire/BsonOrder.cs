using MongoDB.Bson;

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
        BsonBinaryData => 7,
        BsonObjectId => 8,
        BsonBoolean => 9,
        BsonDateTime => 10,
        BsonTimestamp => 11,
        BsonRegularExpression => 12,
        BsonJavaScriptWithScope => 14,
        BsonJavaScript => 13,
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
            (BsonBinaryData x, BsonBinaryData y) => x.Bytes.Length != y.Bytes.Length ? x.Bytes.Length.CompareTo(y.Bytes.Length)
                : x.SubType != y.SubType ? x.SubType.CompareTo(y.SubType) : x.Bytes.AsSpan().SequenceCompareTo(y.Bytes),
            (BsonObjectId x, BsonObjectId y) => x.Value.CompareTo(y.Value),
            (BsonBoolean x, BsonBoolean y) => x.Value.CompareTo(y.Value),
            (BsonDateTime x, BsonDateTime y) => x.MillisecondsSinceEpoch.CompareTo(y.MillisecondsSinceEpoch),
            (BsonTimestamp x, BsonTimestamp y) => x.Value.CompareTo(y.Value),
            _ when Bracket(a) == 3 => BsonNumber.Compare(a, b),
            _ => a.Equals(b) ? 0 : string.CompareOrdinal(a.ToString(), b.ToString()),
        };
    }

    private static int CompareDocuments(BsonDocument x, BsonDocument y)
    {
        for (int i = 0; i < Math.Min(x.ElementCount, y.ElementCount); i++)
        {
            int c = Bracket(x.GetElement(i).Value).CompareTo(Bracket(y.GetElement(i).Value));
            if (c == 0)
            {
                c = Math.Sign(string.CompareOrdinal(x.GetElement(i).Name, y.GetElement(i).Name));
            }
            if (c == 0)
            {
                c = Compare(x.GetElement(i).Value, y.GetElement(i).Value);
            }
            if (c != 0)
            {
                return c;
            }
        }
        return x.ElementCount.CompareTo(y.ElementCount);
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
