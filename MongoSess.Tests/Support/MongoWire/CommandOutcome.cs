using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>What the connection does after a command: reply, close without a reply, or send a broken reply and close.</summary>
internal sealed record CommandOutcome(BsonDocument? Reply, bool Close = false, MalformedReply? Malformed = null)
{
    public static CommandOutcome CloseConnection { get; } = new(null, Close: true);
}
