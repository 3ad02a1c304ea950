namespace MongoSessions.Mongo.Pooling;

/// <summary>Limits of one server's connection pool (connection monitoring and pooling spec names, in TimeSpan form).</summary>
internal sealed record PoolSettings
{
    public int MaxPoolSize { get; init; } = 100;

    public int MinPoolSize { get; init; }

    /// <summary>Idle connections older than this are closed; <see cref="Timeout.InfiniteTimeSpan"/> keeps them.</summary>
    public TimeSpan MaxIdleTime { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long a checkout waits for a free connection when the pool is at its maximum.</summary>
    public TimeSpan WaitQueueTimeout { get; init; } = TimeSpan.FromSeconds(120);
}
