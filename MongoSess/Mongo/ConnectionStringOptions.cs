namespace MongoSessions.Mongo;

/// <summary>
/// The connection string options MongoSess reads, exactly as given: null means the option was absent (or ignored with
/// a warning), and no defaults are applied here; <c>MongoSessOptions</c> owns the defaults. A zero time means what
/// the uri-options spec says for that option (usually "no timeout").
/// </summary>
internal sealed record ConnectionStringOptions
{
    public string? AppName { get; init; }
    public string? AuthMechanism { get; init; }
    public IReadOnlyDictionary<string, string>? AuthMechanismProperties { get; init; }
    public string? AuthSource { get; init; }
    public TimeSpan? ConnectTimeout { get; init; }
    public bool? DirectConnection { get; init; }
    public TimeSpan? HeartbeatFrequency { get; init; }
    public bool? Journal { get; init; }
    public bool? LoadBalanced { get; init; }
    public TimeSpan? MaxIdleTime { get; init; }
    public int? MaxPoolSize { get; init; }
    public int? MinPoolSize { get; init; }
    public string? ReplicaSet { get; init; }
    public bool? RetryReads { get; init; }
    public bool? RetryWrites { get; init; }
    public TimeSpan? ServerSelectionTimeout { get; init; }
    public TimeSpan? SocketTimeout { get; init; }
    public int? SrvMaxHosts { get; init; }
    public string? SrvServiceName { get; init; }

    /// <summary><c>tls</c> or its alias <c>ssl</c> (the parser has checked that all instances agree).</summary>
    public bool? Tls { get; init; }
    public bool? TlsAllowInvalidCertificates { get; init; }
    public bool? TlsAllowInvalidHostnames { get; init; }
    public string? TlsCAFile { get; init; }

    /// <summary>Allows invalid certificates and host names alike; the parser rejects it together with either of those.</summary>
    public bool? TlsInsecure { get; init; }
    public WriteConcernOption? W { get; init; }
    public TimeSpan? WaitQueueTimeout { get; init; }
    public TimeSpan? WTimeout { get; init; }
}
