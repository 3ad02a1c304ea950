using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// The commands the test server implements: those the driver sends for the session store (and for its handshake,
/// authentication, monitoring and cursors), by the names the driver uses.
/// </summary>
internal static class CommandTable
{
    private static readonly Dictionary<string, (CommandKind Kind, Func<CommandContext, BsonDocument> Run)> s_commands = new(StringComparer.Ordinal)
    {
        // the driver's first handshake on a connection is a legacy isMaster; monitoring moves on to hello after helloOk
        ["hello"] = (CommandKind.NoAuth, HelloCommand.Run),
        ["isMaster"] = (CommandKind.NoAuth, HelloCommand.Run),
        // mongod's lowercase alias, which the Node.js driver sends for its handshake
        ["ismaster"] = (CommandKind.NoAuth, HelloCommand.Run),
        ["ping"] = (CommandKind.NoAuth, AdminCommands.Ping),
        ["saslStart"] = (CommandKind.NoAuth, SaslCommands.Start),
        ["saslContinue"] = (CommandKind.NoAuth, SaslCommands.Continue),
        ["endSessions"] = (CommandKind.Any, AdminCommands.EndSessions),
        ["insert"] = (CommandKind.RetryableWrite, InsertCommand.Run),
        ["delete"] = (CommandKind.RetryableWrite, DeleteCommand.Run),
        // connect-mongo's updateOne with upsert (the load harness's connect-mongo stack)
        ["update"] = (CommandKind.RetryableWrite, UpdateCommand.Run),
        ["findAndModify"] = (CommandKind.RetryableWrite, FindAndModifyCommand.Run),
        ["find"] = (CommandKind.Read, FindCommand.Run),
        ["getMore"] = (CommandKind.Any, CursorCommands.GetMore),
        ["killCursors"] = (CommandKind.Any, CursorCommands.KillCursors),
        ["aggregate"] = (CommandKind.Read, AggregateCommand.Run),
        ["createIndexes"] = (CommandKind.Write, IndexCommands.Create),
    };

    public static bool TryGet(string name, out CommandKind kind, out Func<CommandContext, BsonDocument> run)
    {
        if (s_commands.TryGetValue(name, out var entry))
        {
            (kind, run) = entry;
            return true;
        }
        (kind, run) = (CommandKind.Any, null!);
        return false;
    }
}
