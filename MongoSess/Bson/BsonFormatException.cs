namespace MongoSessions.Bson;

/// <summary>Thrown when bytes are not a valid BSON document.</summary>
internal sealed class BsonFormatException : FormatException
{
    public BsonFormatException(string message)
        : base(message)
    {
    }

    public BsonFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
