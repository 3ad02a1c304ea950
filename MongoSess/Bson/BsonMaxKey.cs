namespace MongoSessions.Bson;

internal sealed record BsonMaxKey : BsonValue
{
    public static readonly BsonMaxKey Value = new();

    private BsonMaxKey() { }

    public override BsonType Type => BsonType.MaxKey;
}
