using System.Globalization;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>A string that is equal for two values exactly when MongoDB's <c>_id</c> index treats them as the same key.</summary>
internal static class IdKey
{
    public static string Of(BsonValue value)
    {
        switch (value)
        {
            case BsonString s:
                return "s:" + s.Value;
            case var n when BsonNumber.IsNumber(n):
                double d = BsonNumber.ToDouble(n);
                // numbers of different types with the same value are one key (1, 1L and 1.0)
                return n is BsonInt32 or BsonInt64 || (d == Math.Floor(d) && Math.Abs(d) < 9e15)
                    ? "n:" + (n is BsonInt64 l ? l.Value : (long)d).ToString(CultureInfo.InvariantCulture)
                    : "n:" + d.ToString("R", CultureInfo.InvariantCulture);
            default:
                var wrapper = new BsonDocument().Add("", value);
                return BsonOrder.Bracket(value).ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToHexString(wrapper.ToBson());
        }
    }
}
