namespace MongoSessions.Tests.Support;

/// <summary>How <see cref="FakeDnsServer"/> misbehaves.</summary>
public enum DnsFault
{
    None,

    /// <summary>UDP replies carry the TC bit and no answers; TCP replies are complete.</summary>
    Truncate,

    /// <summary>Replies carry an id other than the query's.</summary>
    WrongId,

    /// <summary>Replies are the query's id followed by fixed random bytes.</summary>
    Garbage,

    /// <summary>The answer's owner name is a compression pointer to itself.</summary>
    PointerLoop,

    /// <summary>No reply at all.</summary>
    Silent,

    /// <summary>RCODE 3, the name does not exist.</summary>
    NameError,

    /// <summary>RCODE 2, the server failed.</summary>
    ServerFailure,

    /// <summary>The answer count promises one record more than the message holds, and its data is cut short.</summary>
    TruncatedRecord,
}
