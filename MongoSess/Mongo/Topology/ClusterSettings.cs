using MongoSessions.Mongo.Connections;
using MongoSessions.Mongo.Pooling;

namespace MongoSessions.Mongo.Topology;

/// <summary>Everything the client needs to reach a deployment, resolved from the connection string and options.</summary>
internal sealed record ClusterSettings
{
    public required IReadOnlyList<MongoEndPoint> Seeds { get; init; }

    public string? ReplicaSet { get; init; }

    public bool? DirectConnection { get; init; }

    public ConnectionSettings Connection { get; init; } = new();

    public PoolSettings Pool { get; init; } = new();

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MinHeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ServerSelectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public bool RetryWrites { get; init; } = true;

    public bool RetryReads { get; init; } = true;

    public IStreamOpener StreamOpener { get; init; } = TcpStreamOpener.Instance;

    /// <summary>Authenticates a new application connection; null without credentials.</summary>
    public Func<MongoConnection, CancellationToken, Task>? Authenticate { get; init; }
}
