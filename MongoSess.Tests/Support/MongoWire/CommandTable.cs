using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>The commands the test server implements, by every name mongod accepts for them.</summary>
internal static class CommandTable
{
    private static readonly Dictionary<string, (CommandKind Kind, Func<CommandContext, BsonDocument> Run)> s_commands = new(StringComparer.Ordinal)
    {
        ["hello"] = (CommandKind.NoAuth, HelloCommand.Run),
        ["isMaster"] = (CommandKind.NoAuth, HelloCommand.Run),
        ["ismaster"] = (CommandKind.NoAuth, HelloCommand.Run),
        ["ping"] = (CommandKind.NoAuth, AdminCommands.Ping),
        ["buildInfo"] = (CommandKind.NoAuth, AdminCommands.BuildInfo),
        ["buildinfo"] = (CommandKind.NoAuth, AdminCommands.BuildInfo),
        ["saslStart"] = (CommandKind.NoAuth, SaslCommands.Start),
        ["saslContinue"] = (CommandKind.NoAuth, SaslCommands.Continue),
        ["endSessions"] = (CommandKind.Any, AdminCommands.EndSessions),
        ["insert"] = (CommandKind.RetryableWrite, InsertCommand.Run),
        ["update"] = (CommandKind.RetryableWrite, UpdateCommand.Run),
        ["delete"] = (CommandKind.RetryableWrite, DeleteCommand.Run),
        ["findAndModify"] = (CommandKind.RetryableWrite, FindAndModifyCommand.Run),
        ["findandmodify"] = (CommandKind.RetryableWrite, FindAndModifyCommand.Run),
        ["find"] = (CommandKind.Read, FindCommand.Run),
        ["getMore"] = (CommandKind.Any, CursorCommands.GetMore),
        ["killCursors"] = (CommandKind.Any, CursorCommands.KillCursors),
        ["count"] = (CommandKind.Read, CountCommand.Run),
        ["aggregate"] = (CommandKind.Read, AggregateCommand.Run),
        ["createIndexes"] = (CommandKind.Write, IndexCommands.Create),
        ["listIndexes"] = (CommandKind.Read, IndexCommands.List),
        ["dropIndexes"] = (CommandKind.Write, IndexCommands.Drop),
        ["drop"] = (CommandKind.Write, DropCommands.Drop),
        ["dropDatabase"] = (CommandKind.Write, DropCommands.DropDatabase),
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
