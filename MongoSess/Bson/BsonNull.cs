namespace MongoSessions.Bson;

internal sealed record BsonNull : BsonValue
{
    public static readonly BsonNull Value = new();

    private BsonNull() { }

    public override BsonType Type => BsonType.Null;
}
