namespace MongoSessions.Bson;

internal sealed record BsonJavaScriptWithScope(string Code, BsonDocument Scope) : BsonValue
{
    public override BsonType Type => BsonType.JavaScriptWithScope;

    public override BsonValue DeepClone() => new BsonJavaScriptWithScope(Code, Scope.DeepCloneDocument());
}
