namespace MongoSessions;

/// <summary>
/// One atomic change to one session, as <see cref="ISessionStore.UpdateAsync"/> receives it: the operations on its
/// data, its new expiry, and whether a missing session may be created.
/// </summary>
public sealed class SessionUpdate
{
    internal SessionUpdate(string id, IReadOnlyList<SessionOperation> operations, DateTimeOffset now, DateTimeOffset? expiresAt, bool createIfMissing)
    {
        Id = id;
        Operations = operations;
        Now = now;
        ExpiresAt = expiresAt;
        CreateIfMissing = createIfMissing;
    }

    /// <summary>The session id.</summary>
    public string Id { get; }

    /// <summary>The changes to the data, applied in order, all or none.</summary>
    public IReadOnlyList<SessionOperation> Operations { get; }

    /// <summary>The current time: a session whose expiry is at or before it counts as missing.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The new expiry, or null to keep the stored one.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>
    /// True for a session id MongoSess has just generated: when no live session has the id, create one
    /// (created at <see cref="Now"/>). False for an id that came from a cookie: never create it, so that an ended or
    /// expired session is never brought back.
    /// </summary>
    public bool CreateIfMissing { get; }

    /// <summary>When a session is created, its absolute expiry (<see cref="SessionRecord.AbsoluteExpiresAt"/>); ignored otherwise.</summary>
    public DateTimeOffset? AbsoluteExpiresAt { get; internal init; }

    /// <summary>When a session is created, the creation time to record instead of <see cref="Now"/> (regeneration keeps the original one).</summary>
    public DateTimeOffset? CreatedAt { get; internal init; }

    /// <summary>
    /// When not null, a CSRF token to store: always when <see cref="ReplaceCsrfToken"/>, otherwise only when the session
    /// has none yet (so concurrent first uses agree on one token). An update that only adds a missing token carries no
    /// operations.
    /// </summary>
    public string? CsrfToken { get; internal init; }

    /// <summary>Whether <see cref="CsrfToken"/> replaces an existing token.</summary>
    public bool ReplaceCsrfToken { get; internal init; }

    /// <summary>
    /// When not null, apply only to a session at this <see cref="SessionRecord.Version"/>, and move it to the next one;
    /// a session at another version is left alone and the update returns null, as for a missing session (callers
    /// reload to tell the two apart). Set by encryption at rest, which replaces the whole encrypted data on each write.
    /// </summary>
    internal long? ExpectedVersion { get; init; }

    /// <summary>When not null, the new value of <see cref="SessionRecord.BrowserSessionCookie"/>.</summary>
    public bool? BrowserSessionCookie { get; internal init; }

    /// <summary>Describes the update without values.</summary>
    public override string ToString() => $"{Operations.Count} operation(s), create={CreateIfMissing}";
}
