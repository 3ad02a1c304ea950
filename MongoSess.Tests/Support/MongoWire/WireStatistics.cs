using System.Collections.Concurrent;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>What a server saw, for assertions: commands by name, every command document, connections and logins.</summary>
internal sealed class WireStatistics
{
    private readonly ConcurrentDictionary<string, int> _commands = new(StringComparer.Ordinal);
    private int _connectionsOpened;
    private int _connectionsOpen;
    private int _authentications;

    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    public int ConnectionsOpen => Volatile.Read(ref _connectionsOpen);

    /// <summary>Successful SCRAM conversations (including speculative ones in hello).</summary>
    public int Authentications => Volatile.Read(ref _authentications);

    /// <summary>Every command received (OP_MSG body with sequences merged, or the OP_QUERY command), in arrival order.</summary>
    public ConcurrentQueue<BsonDocument> Commands { get; } = new();

    /// <summary>The <c>client</c> metadata documents of first hellos.</summary>
    public ConcurrentQueue<BsonDocument> ClientMetadata { get; } = new();

    /// <summary>How many commands with this name arrived (as sent, e.g. "isMaster" and "hello" count apart).</summary>
    public int CommandCount(string name) => _commands.GetValueOrDefault(name);

    /// <summary>The command documents with this name (their first field), in arrival order.</summary>
    public IReadOnlyList<BsonDocument> CommandsNamed(string name) =>
        [.. Commands.Where(c => c.ElementCount > 0 && c.GetElement(0).Name == name)];

    internal void CommandReceived(string name, BsonDocument command)
    {
        _commands.AddOrUpdate(name, 1, (_, n) => n + 1);
        Commands.Enqueue(command.DeepClone().AsBsonDocument);
    }

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsOpened);
        Interlocked.Increment(ref _connectionsOpen);
    }

    internal void ConnectionClosed() => Interlocked.Decrement(ref _connectionsOpen);

    internal void Authenticated() => Interlocked.Increment(ref _authentications);
}
