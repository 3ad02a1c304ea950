namespace MongoSessions;

/// <summary>Settings of a <see cref="MongoSessionStore"/>, with their defaults.</summary>
public sealed class MongoSessionStoreOptions
{
    /// <summary>The collection that holds one document per session. Default <c>sessions</c>.</summary>
    public string CollectionName { get; set; } = "sessions";

    /// <summary>
    /// Whether connecting creates the TTL indexes on <c>expiresAt</c> and <c>absoluteExpiresAt</c> (idempotent) that let
    /// MongoDB remove expired sessions. Default true. Turn it off when the database user may not create indexes (hosted
    /// MongoDB) and create them by hand, or when <see cref="SessionCleanup.Sweep"/> removes expired sessions instead.
    /// </summary>
    public bool CreateIndexes { get; set; } = true;
}
