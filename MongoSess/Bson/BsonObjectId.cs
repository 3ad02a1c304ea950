namespace MongoSessions.Bson;

/// <summary>A 12-byte ObjectId.</summary>
internal sealed record BsonObjectId(byte[] Bytes) : BsonValue
{
    public override BsonType Type => BsonType.ObjectId;

    public bool Equals(BsonObjectId? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override int GetHashCode() => Bytes.Length == 12 ? BitConverter.ToInt32(Bytes, 8) : 0;

    public override BsonValue DeepClone() => new BsonObjectId((byte[])Bytes.Clone());
}
