namespace MongoSessions.Bson;

internal sealed record BsonTimestamp(ulong Value) : BsonValue
{
    public override BsonType Type => BsonType.Timestamp;
}
