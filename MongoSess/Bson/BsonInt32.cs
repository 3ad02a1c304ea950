namespace MongoSessions.Bson;

internal sealed record BsonInt32(int Value) : BsonValue
{
    // small counts, flags and limits are everywhere in replies and sessions: share their instances
    private static readonly BsonInt32[] s_small = Enumerable.Range(-1, 258).Select(i => new BsonInt32(i)).ToArray();

    /// <summary>The value, shared for -1 to 256 (values are immutable).</summary>
    public static BsonInt32 Of(int value) => value is >= -1 and <= 256 ? s_small[value + 1] : new BsonInt32(value);

    public override BsonType Type => BsonType.Int32;
}
