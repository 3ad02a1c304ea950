using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>ping, buildInfo and endSessions.</summary>
internal static class AdminCommands
{
    public static BsonDocument Ping(CommandContext context) => Ok();

    public static BsonDocument BuildInfo(CommandContext context)
    {
        var version = VersionOf(context.Server.Options.MaxWireVersion);
        return new BsonDocument()
            .Add("version", new BsonString($"{version.Major}.{version.Minor}.0"))
            .Add("gitVersion", new BsonString("0000000000000000000000000000000000000000"))
            .Add("versionArray", new BsonArray([new BsonInt32(version.Major), new BsonInt32(version.Minor), new BsonInt32(0), new BsonInt32(0)]))
            .Add("bits", new BsonInt32(64))
            .Add("debug", BsonBoolean.False)
            .Add("maxBsonObjectSize", new BsonInt32(WireCollection.MaxBsonObjectSize))
            .Add("ok", new BsonDouble(1));
    }

    public static BsonDocument EndSessions(CommandContext context)
    {
        if (context.Command.GetElement(0).Value is not BsonArray sessions || sessions.Any(s => s is not BsonDocument))
        {
            throw context.TypeMismatch("endSessions", "array", context.Command.GetElement(0).Value);
        }
        return Ok();
    }

    /// <summary>The server release that introduced a wire version (MongoDB 5.1+ moved one wire version per release).</summary>
    public static Version VersionOf(int wireVersion) => wireVersion switch
    {
        >= 25 => new Version(8, 0),
        >= 14 and < 17 => new Version(5, wireVersion - 13),
        >= 17 and < 21 => new Version(6, wireVersion - 17),
        >= 21 => new Version(7, wireVersion - 21),
        >= 13 => new Version(5, 0),
        >= 9 => new Version(4, 4),
        8 => new Version(4, 2),
        7 => new Version(4, 0),
        _ => new Version(3, 6),
    };

    public static BsonDocument Ok() => new BsonDocument().Add("ok", new BsonDouble(1));
}
