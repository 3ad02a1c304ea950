namespace MongoSessions.Bson;

internal sealed record BsonDouble(double Value) : BsonValue
{
    public override BsonType Type => BsonType.Double;

    // compare bit patterns so that NaN equals itself and -0.0 differs from 0.0, as the bytes do
    public bool Equals(BsonDouble? other) => other is not null && BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value);

    public override int GetHashCode() => BitConverter.DoubleToInt64Bits(Value).GetHashCode();
}
