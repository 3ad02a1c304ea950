namespace MongoSessions.Bson;

/// <summary>One BSON value. Subclasses are small records; documents and arrays are mutable containers.</summary>
internal abstract record BsonValue
{
    public abstract BsonType Type { get; }

    /// <summary>A copy that shares nothing mutable with this value.</summary>
    public virtual BsonValue DeepClone() => this;
}
