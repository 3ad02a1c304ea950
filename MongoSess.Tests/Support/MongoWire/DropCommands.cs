using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>drop and dropDatabase, for tests that clean up through the client.</summary>
internal static class DropCommands
{
    public static BsonDocument Drop(CommandContext context)
    {
        var dropped = context.Store.Drop(context.Database, context.Collection);
        // mongod 7.0 answers ok for a collection that does not exist
        var reply = new BsonDocument();
        if (dropped is not null)
        {
            reply.Add("nIndexesWas", new BsonInt32(dropped.Indexes.Count)).Add("ns", new BsonString(dropped.Namespace));
        }
        return reply.Add("ok", new BsonDouble(1));
    }

    public static BsonDocument DropDatabase(CommandContext context)
    {
        context.Store.DropDatabase(context.Database);
        return AdminCommands.Ok();
    }
}
