namespace MongoSessions.Bson;

/// <summary>Binary data with its subtype. For the old binary subtype 0x02 the bytes exclude the inner length.</summary>
internal sealed record BsonBinary(byte Subtype, byte[] Data) : BsonValue
{
    public const byte GenericSubtype = 0x00;
    public const byte UuidSubtype = 0x04;

    public override BsonType Type => BsonType.Binary;

    public bool Equals(BsonBinary? other) => other is not null && Subtype == other.Subtype && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Subtype, Data.Length);

    public override BsonValue DeepClone() => new BsonBinary(Subtype, (byte[])Data.Clone());
}
