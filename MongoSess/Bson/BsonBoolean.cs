namespace MongoSessions.Bson;

internal sealed record BsonBoolean(bool Value) : BsonValue
{
    public static readonly BsonBoolean True = new(true);
    public static readonly BsonBoolean False = new(false);

    public override BsonType Type => BsonType.Boolean;

    public static BsonBoolean Of(bool value) => value ? True : False;
}
