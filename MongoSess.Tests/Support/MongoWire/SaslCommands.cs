using System.Text;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// saslStart and saslContinue for SCRAM-SHA-1 and SCRAM-SHA-256 (auth spec), and speculative auth in hello. The driver
/// always asks to skip the empty exchange (options.skipEmptyExchange), so a conversation ends with server-final.
/// </summary>
internal static class SaslCommands
{
    private const int ConversationId = 1;

    public static BsonDocument Start(CommandContext context)
    {
        string mechanism = context.Command.GetValue("mechanism", null) is BsonString m ? m.Value : throw MongoCommandError.BadValue("Mechanism not specified");
        return Begin(context, context.Database, mechanism, PayloadOf(context.Command));
    }

    public static BsonDocument Continue(CommandContext context)
    {
        var conversation = context.Connection.Conversation;
        if (conversation is null || context.Command.GetValue("conversationId", null) is not { } id || !BsonNumber.IsNumber(id) || BsonNumber.ToDouble(id) != ConversationId)
        {
            throw new MongoCommandError(MongoErrorCodes.ProtocolError, "No SASL session state found");
        }
        context.Connection.Conversation = null;
        var serverFinal = conversation.Finish(Encoding.UTF8.GetString(PayloadOf(context.Command)));
        context.Connection.AuthenticatedUser = conversation.UserKey;
        context.Server.Statistics.Authenticated();
        return Reply(done: true, serverFinal);
    }

    /// <summary>hello's speculativeAuthenticate: a saslStart run inside the handshake; null (field omitted) when it fails.</summary>
    public static BsonDocument? Speculative(CommandContext context, BsonDocument request)
    {
        try
        {
            string database = request.GetValue("db", null) is BsonString db ? db.Value : "admin";
            string mechanism = request.GetValue("mechanism", null) is BsonString m ? m.Value : "";
            var reply = Begin(context, database, mechanism, PayloadOf(request));
            reply.Remove("ok");
            return reply;
        }
        catch (MongoCommandError)
        {
            return null;
        }
    }

    private static BsonDocument Begin(CommandContext context, string database, string mechanism, byte[] payload)
    {
        if (mechanism is not (MongoWireUser.ScramSha1 or MongoWireUser.ScramSha256))
        {
            throw new MongoCommandError(MongoErrorCodes.MechanismUnavailable, $"Received authentication for mechanism {mechanism} which is unknown or not enabled");
        }
        string clientFirst = Encoding.UTF8.GetString(payload);
        string username = ScramServerConversation.UsernameOf(clientFirst) ?? throw ScramServerConversation.Failed();
        var credential = context.Server.FindCredential(database, username, mechanism);
        if (credential is null)
        {
            if (context.Server.MechanismsOf(database, username).Any())
            {
                throw new MongoCommandError(MongoErrorCodes.MechanismUnavailable, $"Unable to use {mechanism} based authentication for user without any {mechanism} credentials registered");
            }
            // mongod does not tell an unknown user from a wrong password
            throw ScramServerConversation.Failed();
        }
        var (conversation, serverFirst) = ScramServerConversation.Start(credential, $"{database}.{username}", clientFirst);
        context.Connection.Conversation = conversation;
        return Reply(done: false, serverFirst);
    }

    private static byte[] PayloadOf(BsonDocument command) => command.GetValue("payload", null) switch
    {
        BsonBinaryData b => b.Bytes,
        BsonString s => Encoding.UTF8.GetBytes(s.Value),
        _ => throw MongoCommandError.BadValue("Missing required field: payload"),
    };

    private static BsonDocument Reply(bool done, byte[] payload) => new BsonDocument()
        .Add("conversationId", new BsonInt32(ConversationId))
        .Add("done", BsonBoolean.Create(done))
        .Add("payload", new BsonBinaryData(payload, BsonBinarySubType.Binary))
        .Add("ok", new BsonDouble(1));
}
