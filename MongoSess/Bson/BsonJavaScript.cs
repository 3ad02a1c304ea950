namespace MongoSessions.Bson;

internal sealed record BsonJavaScript(string Code) : BsonValue
{
    public override BsonType Type => BsonType.JavaScript;
}
