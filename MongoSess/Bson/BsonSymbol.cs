namespace MongoSessions.Bson;

internal sealed record BsonSymbol(string Value) : BsonValue
{
    public override BsonType Type => BsonType.Symbol;
}
