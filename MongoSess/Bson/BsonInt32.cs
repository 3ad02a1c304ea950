namespace MongoSessions.Bson;

internal sealed record BsonInt32(int Value) : BsonValue
{
    public override BsonType Type => BsonType.Int32;
}
