namespace MongoSessions;

/// <summary>Settings of a <see cref="MongoSessionStore"/>, with their defaults.</summary>
public sealed class MongoSessionStoreOptions
{
    /// <summary>The collection that holds one document per session. Default <c>sessions</c>.</summary>
    public string CollectionName { get; set; } = "sessions";

    /// <summary>
    /// Whether connecting creates the indexes (idempotent): the TTL indexes on <c>expiresAt</c> and
    /// <c>absoluteExpiresAt</c> that let MongoDB remove expired sessions, and the one on <c>userId</c> that finds a user's
    /// sessions. Default true. Turn it off when the database user may not create indexes (hosted MongoDB) and create
    /// them by hand.
    /// </summary>
    public bool CreateIndexes { get; set; } = true;

    /// <summary>False when a sweep removes expired sessions instead of TTL indexes: only the user index is created.</summary>
    internal bool TtlIndexes { get; init; } = true;
}
