namespace MongoSessions.Bson;

internal sealed record BsonUndefined : BsonValue
{
    public static readonly BsonUndefined Value = new();

    private BsonUndefined() { }

    public override BsonType Type => BsonType.Undefined;
}
