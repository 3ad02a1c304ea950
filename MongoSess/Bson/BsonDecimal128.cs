namespace MongoSessions.Bson;

/// <summary>An IEEE 754-2008 decimal128 in BID encoding, held as its two 64-bit halves.</summary>
internal sealed record BsonDecimal128(ulong High, ulong Low) : BsonValue
{
    public override BsonType Type => BsonType.Decimal128;
}
