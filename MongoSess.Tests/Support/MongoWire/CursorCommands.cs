using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>getMore (<c>{ cursor: { nextBatch, id, ns }, ok: 1 }</c>) and killCursors.</summary>
internal static class CursorCommands
{
    public static BsonDocument GetMore(CommandContext context)
    {
        if (context.Command.GetElement(0).Value is not BsonInt64 id)
        {
            throw context.TypeMismatch("getMore", "long", context.Command.GetElement(0).Value);
        }
        var cursor = context.Server.Cursors.Find(id.Value) ?? throw new MongoCommandError(MongoErrorCodes.CursorNotFound, $"cursor id {id.Value} not found");
        long batchSize = context.Long("batchSize") ?? int.MaxValue;
        var (batch, exhausted) = cursor.Take((int)Math.Clamp(batchSize, 1, int.MaxValue));
        if (exhausted)
        {
            context.Server.Cursors.Kill(id.Value);
        }
        return CursorRegistry.Reply("nextBatch", batch, exhausted ? 0 : id.Value, cursor.Namespace);
    }

    public static BsonDocument KillCursors(CommandContext context)
    {
        var ids = context.Array("cursors") ?? throw new MongoCommandError(40414, "BSON field 'killCursors.cursors' is missing but a required field");
        var killed = new BsonArray();
        var notFound = new BsonArray();
        foreach (var id in ids)
        {
            if (id is not BsonInt64 cursorId)
            {
                throw context.TypeMismatch("cursors", "long", id);
            }
            (context.Server.Cursors.Kill(cursorId.Value) ? killed : notFound).Add(cursorId);
        }
        return new BsonDocument()
            .Add("cursorsKilled", killed)
            .Add("cursorsNotFound", notFound)
            .Add("cursorsAlive", new BsonArray())
            .Add("cursorsUnknown", new BsonArray())
            .Add("ok", new BsonDouble(1));
    }
}
