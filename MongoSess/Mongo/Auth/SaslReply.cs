using MongoSessions.Bson;

namespace MongoSessions.Mongo.Auth;

/// <summary>The fields of a <c>saslStart</c>/<c>saslContinue</c> reply that the conversation needs.</summary>
internal sealed record SaslReply(BsonValue ConversationId, byte[] Payload, bool Done)
{
    /// <summary>Reads a successful reply; throws <see cref="MongoSessAuthenticationException"/> when a field is missing or mistyped.</summary>
    public static SaslReply Read(BsonDocument reply, ScramMechanism mechanism)
    {
        if (reply["conversationId"] is not (BsonInt32 or BsonInt64) || reply["payload"] is not BsonBinary payload
            || reply["done"] is not BsonBoolean done)
        {
            throw new MongoSessAuthenticationException(
                $"The server's reply in the {mechanism.Name} conversation lacks a conversationId, payload or done field.");
        }
        return new SaslReply(reply["conversationId"]!, payload.Data, done.Value);
    }
}
