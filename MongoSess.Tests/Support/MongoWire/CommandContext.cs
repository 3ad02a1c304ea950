using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>One command being run: its document, names, connection and server, with typed accessors for its fields.</summary>
internal sealed class CommandContext(MongoWireServer server, ConnectionState connection, BsonDocument command, string database, bool secondaryOk)
{
    public MongoWireServer Server { get; } = server;

    public ConnectionState Connection { get; } = connection;

    public BsonDocument Command { get; } = command;

    /// <summary>The command name as sent (its first field).</summary>
    public string Name { get; } = command.GetElement(0).Name;

    public string Database { get; } = database;

    /// <summary>An OP_MSG $readPreference other than primary.</summary>
    public bool SecondaryOk { get; } = secondaryOk;

    public WireDataStore Store => Server.Store;

    /// <summary>The collection named by the command's first field.</summary>
    public string Collection => Command.GetElement(0).Value is BsonString { Value.Length: > 0 } s
        ? s.Value
        : throw new MongoCommandError(73, $"collection name has invalid type {ShellText.TypeName(Command.GetElement(0).Value)}");

    public string Namespace => $"{Database}.{Collection}";

    public BsonDocument? Document(string field) => Command.GetValue(field, null) switch
    {
        null or BsonNull => null,
        BsonDocument d => d,
        var other => throw TypeMismatch(field, "object", other),
    };

    public BsonArray? Array(string field) => Command.GetValue(field, null) switch
    {
        null or BsonNull => null,
        BsonArray a => a,
        var other => throw TypeMismatch(field, "array", other),
    };

    public bool Bool(string field) => Command.GetValue(field, null) is { } v && FilterMatcher.IsTruthy(v);

    public long? Long(string field) => Command.GetValue(field, null) switch
    {
        null or BsonNull => null,
        var v when BsonNumber.IsNumber(v) => (long)BsonNumber.ToDouble(v),
        var other => throw TypeMismatch(field, "long", other),
    };

    public MongoCommandError TypeMismatch(string field, string expected, BsonValue actual) =>
        new(MongoErrorCodes.TypeMismatch, $"BSON field '{Name}.{field}' is the wrong type '{ShellText.TypeName(actual)}', expected type '{expected}'");
}
