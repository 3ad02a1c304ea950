namespace MongoSessions.Bson;

internal sealed record BsonString(string Value) : BsonValue
{
    public override BsonType Type => BsonType.String;
}
