namespace MongoSessions.Bson;

internal sealed record BsonMinKey : BsonValue
{
    public static readonly BsonMinKey Value = new();

    private BsonMinKey() { }

    public override BsonType Type => BsonType.MinKey;
}
