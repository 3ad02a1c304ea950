namespace MongoSessions;

/// <summary>The kinds of <see cref="SessionCleanup"/>.</summary>
public enum SessionCleanupMode
{
    /// <summary>TTL index on MongoDB, a 10-minute sweep elsewhere.</summary>
    Default,

    /// <summary>MongoDB's TTL index only.</summary>
    TtlIndex,

    /// <summary>A sweep at a fixed interval.</summary>
    Sweep,

    /// <summary>A sweep started by a per-request lottery.</summary>
    Lottery,

    /// <summary>No cleanup.</summary>
    Off,
}
