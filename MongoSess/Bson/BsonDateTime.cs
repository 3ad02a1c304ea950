namespace MongoSessions.Bson;

/// <summary>UTC milliseconds since the Unix epoch.</summary>
internal sealed record BsonDateTime(long MillisecondsSinceEpoch) : BsonValue
{
    public override BsonType Type => BsonType.DateTime;

    public static BsonDateTime FromDateTime(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return new BsonDateTime(new DateTimeOffset(utc).ToUnixTimeMilliseconds());
    }

    public static BsonDateTime FromDateTimeOffset(DateTimeOffset value) => new(value.ToUnixTimeMilliseconds());

    /// <summary>The UTC date, or null when the value is outside DateTime's range.</summary>
    public DateTime? ToDateTime()
    {
        if (MillisecondsSinceEpoch < -62135596800000L || MillisecondsSinceEpoch > 253402300799999L)
        {
            return null;
        }
        return DateTimeOffset.FromUnixTimeMilliseconds(MillisecondsSinceEpoch).UtcDateTime;
    }
}
