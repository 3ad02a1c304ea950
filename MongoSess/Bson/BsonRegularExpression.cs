namespace MongoSessions.Bson;

internal sealed record BsonRegularExpression(string Pattern, string Options) : BsonValue
{
    public override BsonType Type => BsonType.RegularExpression;
}
