namespace MongoSessions.Mongo.Connections;

/// <summary>How to open and use one connection; every value already validated and defaulted.</summary>
internal sealed record ConnectionSettings
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a command may wait for its reply; <see cref="Timeout.InfiniteTimeSpan"/> for no limit (the default, as drivers do).</summary>
    public TimeSpan SocketTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    public bool Tls { get; init; }

    public string? TlsCAFile { get; init; }

    public bool TlsAllowInvalidCertificates { get; init; }

    public bool TlsAllowInvalidHostnames { get; init; }

    public string? AppName { get; init; }

    public MongoCredential? Credential { get; init; }
}
