using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>hello / isMaster: the handshake and monitoring reply (handshake spec; SDAM spec for the replica-set fields).</summary>
internal static class HelloCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var command = context.Command;
        var server = context.Server;
        // the driver sends its metadata only in the first hello of a connection
        if (command.GetValue("client", null) is BsonDocument metadata)
        {
            server.Statistics.ClientMetadata.Enqueue(metadata.DeepClone().AsBsonDocument);
        }
        var reply = new BsonDocument();
        if (context.Bool("helloOk"))
        {
            reply.Add("helloOk", BsonBoolean.True);
        }
        reply.Add(context.Name == "hello" ? "isWritablePrimary" : "ismaster", BsonBoolean.Create(server.IsWritablePrimary));
        // no topologyVersion: the driver then polls with plain hellos instead of streaming them (SDAM monitoring spec)
        if (server.ReplicaSet is { } set)
        {
            AddReplicaSetFields(reply, server, set);
        }
        reply.Add("maxBsonObjectSize", new BsonInt32(WireCollection.MaxBsonObjectSize))
            .Add("maxMessageSizeBytes", new BsonInt32(MongoWireServer.MaxMessageSizeBytes))
            .Add("maxWriteBatchSize", new BsonInt32(InsertCommand.MaxWriteBatchSize))
            .Add("localTime", new BsonDateTime(DateTime.UtcNow))
            .Add("logicalSessionTimeoutMinutes", new BsonInt32(30))
            .Add("connectionId", new BsonInt32(context.Connection.Id))
            .Add("minWireVersion", new BsonInt32(0))
            .Add("maxWireVersion", new BsonInt32(server.Options.MaxWireVersion))
            .Add("readOnly", BsonBoolean.False);
        if (command.GetValue("saslSupportedMechs", null) is BsonString { Value: var user } && user.IndexOf('.') is > 0 and var dot)
        {
            var mechanisms = server.MechanismsOf(user[..dot], user[(dot + 1)..]).Select(m => (BsonValue)new BsonString(m)).ToList();
            if (mechanisms.Count > 0)
            {
                reply.Add("saslSupportedMechs", new BsonArray(mechanisms));
            }
        }
        if (command.GetValue("speculativeAuthenticate", null) is BsonDocument speculative && SaslCommands.Speculative(context, speculative) is { } result)
        {
            reply.Add("speculativeAuthenticate", result);
        }
        reply.Add("ok", new BsonDouble(1));
        return reply;
    }

    private static void AddReplicaSetFields(BsonDocument reply, MongoWireServer server, ReplicaSetState set)
    {
        var primary = set.Primary;
        reply.Add("hosts", new BsonArray(set.Hosts))
            .Add("setName", new BsonString(set.SetName))
            .Add("setVersion", new BsonInt32(set.SetVersion))
            .Add("secondary", BsonBoolean.Create(!server.IsWritablePrimary));
        if (primary is not null)
        {
            reply.Add("primary", new BsonString(primary.HostAndPort));
        }
        reply.Add("me", new BsonString(server.HostAndPort));
        if (server.IsWritablePrimary)
        {
            reply.Add("electionId", set.ElectionId);
        }
        var now = new BsonDateTime(DateTime.UtcNow);
        reply.Add("lastWrite", new BsonDocument().Add("lastWriteDate", now).Add("majorityWriteDate", now));
    }
}
