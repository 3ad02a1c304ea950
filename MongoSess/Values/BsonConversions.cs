using MongoDB.Bson;

namespace MongoSessions.Values;

/// <summary>Conversions between .NET values and the BSON dates and decimals that have no exact .NET counterpart.</summary>
internal static class BsonConversions
{
    private const long MinMilliseconds = -62135596800000L;
    private const long MaxMilliseconds = 253402300799999L;

    // an unspecified kind is taken as UTC, not local time: a server's zone must not move stored instants
    public static BsonDateTime FromDateTime(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return new BsonDateTime(new DateTimeOffset(utc).ToUnixTimeMilliseconds());
    }

    public static BsonDateTime FromDateTimeOffset(DateTimeOffset value) => new(value.ToUnixTimeMilliseconds());

    /// <summary>The instant, clamped to the range <see cref="DateTimeOffset"/> can hold.</summary>
    public static DateTimeOffset ToDateTimeOffset(BsonDateTime value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(value.MillisecondsSinceEpoch, MinMilliseconds, MaxMilliseconds));

    /// <summary>The UTC date, or null when the value is outside <see cref="DateTime"/>'s range.</summary>
    public static DateTime? ToUtcDateTime(BsonDateTime value) =>
        value.MillisecondsSinceEpoch is < MinMilliseconds or > MaxMilliseconds
            ? null
            : DateTimeOffset.FromUnixTimeMilliseconds(value.MillisecondsSinceEpoch).UtcDateTime;

    /// <summary>The decimal value, or null when it is beyond <see cref="decimal"/>'s range (NaN, infinities, huge exponents).</summary>
    public static decimal? ToDecimal(BsonDecimal128 value)
    {
        try
        {
            return Decimal128.ToDecimal(value.Value);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
