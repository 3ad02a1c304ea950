namespace MongoSessions.Bson;

internal sealed record BsonInt64(long Value) : BsonValue
{
    public override BsonType Type => BsonType.Int64;
}
