using MongoDB.Bson;

namespace MongoSessions.Values;

/// <summary>
/// Whether a value could be near MongoDB's 16 MiB document limit, told without serializing it: an upper bound on its
/// encoded size that stops counting once past the bound asked about.
/// </summary>
internal static class BsonSize
{
    /// <summary>16 MiB, the largest document MongoDB stores.</summary>
    public const int MaxDocumentBytes = 16 * 1024 * 1024;

    /// <returns>At least the encoded size of <paramref name="value"/> (strings count 3 bytes a character), or more than <paramref name="bound"/>.</returns>
    public static long UpperBound(BsonValue value, long bound)
    {
        switch (value)
        {
            case BsonString text:
                return 5 + 3L * text.Value.Length;
            case BsonBinaryData binary:
                return 5 + binary.Bytes.Length;
            case BsonDocument document:
                long total = 5;
                foreach (var element in document)
                {
                    total += 2 + 3L * element.Name.Length + UpperBound(element.Value, bound);
                    if (total > bound)
                    {
                        return total;
                    }
                }
                return total;
            case BsonArray array:
                long sum = 5;
                foreach (var item in array)
                {
                    // the index names: at most 7 digits for any array that fits
                    sum += 9 + UpperBound(item, bound);
                    if (sum > bound)
                    {
                        return sum;
                    }
                }
                return sum;
            default:
                // numbers, dates, ids, booleans and the rare regex or code value: small, counted generously
                return value.BsonType is BsonType.RegularExpression or BsonType.JavaScript or BsonType.JavaScriptWithScope ? value.ToBson().Length : 17;
        }
    }
}
