namespace MongoSessions.Bson;

/// <summary>The deprecated DBPointer: a namespace string and a 12-byte ObjectId.</summary>
internal sealed record BsonDbPointer(string Namespace, byte[] Id) : BsonValue
{
    public override BsonType Type => BsonType.DbPointer;

    public bool Equals(BsonDbPointer? other) => other is not null && Namespace == other.Namespace && Id.AsSpan().SequenceEqual(other.Id);

    public override int GetHashCode() => Namespace.GetHashCode();

    public override BsonValue DeepClone() => new BsonDbPointer(Namespace, (byte[])Id.Clone());
}
