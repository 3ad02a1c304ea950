using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>ping and endSessions.</summary>
internal static class AdminCommands
{
    public static BsonDocument Ping(CommandContext context) => Ok();

    public static BsonDocument EndSessions(CommandContext context)
    {
        if (context.Command.GetElement(0).Value is not BsonArray sessions || sessions.Any(s => s is not BsonDocument))
        {
            throw context.TypeMismatch("endSessions", "array", context.Command.GetElement(0).Value);
        }
        return Ok();
    }

    public static BsonDocument Ok() => new BsonDocument().Add("ok", new BsonDouble(1));
}
