namespace MongoSessions.Bson;

// BSON types that carry bytes; equality compares the bytes, not the array references

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

/// <summary>A 12-byte ObjectId.</summary>
internal sealed record BsonObjectId(byte[] Bytes) : BsonValue
{
    public override BsonType Type => BsonType.ObjectId;

    public bool Equals(BsonObjectId? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override int GetHashCode() => Bytes.Length == 12 ? BitConverter.ToInt32(Bytes, 8) : 0;

    public override BsonValue DeepClone() => new BsonObjectId((byte[])Bytes.Clone());
}

/// <summary>The deprecated DBPointer: a namespace string and a 12-byte ObjectId.</summary>
internal sealed record BsonDbPointer(string Namespace, byte[] Id) : BsonValue
{
    public override BsonType Type => BsonType.DbPointer;

    public bool Equals(BsonDbPointer? other) => other is not null && Namespace == other.Namespace && Id.AsSpan().SequenceEqual(other.Id);

    public override int GetHashCode() => Namespace.GetHashCode();

    public override BsonValue DeepClone() => new BsonDbPointer(Namespace, (byte[])Id.Clone());
}

internal sealed record BsonJavaScriptWithScope(string Code, BsonDocument Scope) : BsonValue
{
    public override BsonType Type => BsonType.JavaScriptWithScope;

    public override BsonValue DeepClone() => new BsonJavaScriptWithScope(Code, Scope.DeepCloneDocument());
}
