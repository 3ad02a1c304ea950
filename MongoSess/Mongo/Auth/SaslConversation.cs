using MongoSessions.Bson;

namespace MongoSessions.Mongo.Auth;

/// <summary>
/// The command side of a SASL conversation: builds <c>saslStart</c>/<c>saslContinue</c>, keeps the conversation id,
/// and reads each reply's payload and <c>done</c> flag.
/// </summary>
internal sealed class SaslConversation(
    Func<BsonDocument, CancellationToken, Task<BsonDocument>> runCommand, string username, string source, ScramMechanism mechanism)
{
    private BsonValue? _conversationId;

    public async Task<SaslReply> StartAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var command = new BsonDocument()
            .Add("saslStart", new BsonInt32(1))
            .Add("mechanism", new BsonString(mechanism.Name))
            .Add("payload", new BsonBinary(BsonBinary.GenericSubtype, payload))
            .Add("autoAuthorize", new BsonInt32(1))
            // auth spec: ask 4.4+ servers to finish with the server-final message instead of an extra empty round trip
            .Add("options", new BsonDocument().Add("skipEmptyExchange", BsonBoolean.True))
            .Add("$db", new BsonString(source));
        var reply = await RunAsync(command, cancellationToken).ConfigureAwait(false);
        _conversationId = reply.ConversationId;
        return reply;
    }

    public async Task<SaslReply> ContinueAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var command = new BsonDocument()
            .Add("saslContinue", new BsonInt32(1))
            .Add("conversationId", _conversationId ?? throw new InvalidOperationException("saslStart has not run."))
            .Add("payload", new BsonBinary(BsonBinary.GenericSubtype, payload))
            .Add("$db", new BsonString(source));
        var reply = await RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (!reply.ConversationId.Equals(_conversationId))
        {
            throw new MongoSessAuthenticationException($"The server changed the conversation id during the {mechanism.Name} conversation.");
        }
        return reply;
    }

    private async Task<SaslReply> RunAsync(BsonDocument command, CancellationToken cancellationToken)
    {
        BsonDocument reply;
        try
        {
            reply = await runCommand(command, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoSessCommandException ex)
        {
            throw ScramAuthenticator.Failed(ex, username, source, mechanism);
        }
        return SaslReply.Read(reply, mechanism);
    }
}
