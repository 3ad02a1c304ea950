namespace MongoSessions;

/// <summary>
/// One atomic change to one session, as <see cref="ISessionStore.UpdateAsync"/> receives it: the operations on its
/// data, its new expiry, and whether a missing session may be created.
/// </summary>
public sealed class SessionUpdate
{
    /// <summary>Creates an update (MongoSess makes them; a store's own tests may too).</summary>
    /// <param name="id">The session's key.</param>
    /// <param name="tokenHash">The hash of the token the request presents; for a session to create, its first token's hash.</param>
    /// <param name="operations">The changes to the data, in order.</param>
    /// <param name="now">The current time.</param>
    /// <param name="expiresAt">The new idle expiry, or null to keep the stored one.</param>
    /// <param name="createIfMissing">Whether to create the session when no live one has the key.</param>
    public SessionUpdate(string id, string tokenHash, IReadOnlyList<SessionOperation> operations, DateTimeOffset now, DateTimeOffset? expiresAt, bool createIfMissing)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(tokenHash);
        ArgumentNullException.ThrowIfNull(operations);
        Id = id;
        TokenHash = tokenHash;
        Operations = operations;
        Now = now;
        ExpiresAt = expiresAt;
        CreateIfMissing = createIfMissing;
    }

    /// <summary>The session's key (<see cref="SessionRecord.Id"/>).</summary>
    public string Id { get; }

    /// <summary>
    /// The hash of the token the request presented (<see cref="SessionRecord.TokenHash"/>): the update applies only to
    /// a session whose current token this is, in the same atomic step. For a session to create, its first token's hash.
    /// </summary>
    public string TokenHash { get; }

    /// <summary>
    /// When not null, a regeneration: the session's <see cref="SessionRecord.TokenHash"/> becomes this one and its
    /// <see cref="SessionRecord.TokenReplacedAt"/> becomes <see cref="Now"/>, in the same atomic step as the rest of the
    /// update, so the old token opens nothing from then on.
    /// </summary>
    public string? NewTokenHash { get; init; }

    /// <summary>The changes to the data, applied in order, all or none.</summary>
    public IReadOnlyList<SessionOperation> Operations { get; }

    /// <summary>The current time: a session whose expiry is at or before it counts as missing.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The new expiry, or null to keep the stored one.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>
    /// When true, set the expiry to <see cref="ExpiresAt"/> only if that is later than the stored one, never earlier,
    /// in the same atomic step as the rest of the update (MongoDB's <c>$max</c>), and report the expiry kept in
    /// <see cref="SessionWriteResult.ExpiresAt"/>. MongoSess sets it on writes to a session, with an expiry chosen so
    /// that only the first write in each half of <see cref="MongoSessOptions.TouchAfter"/> moves it; it re-sends the
    /// cookie only when the result shows that this write moved it. A store that cannot may ignore it and always set the
    /// expiry, leaving <see cref="SessionWriteResult.ExpiresAt"/> null; the cookie is then re-sent with every write.
    /// </summary>
    public bool ExtendOnly { get; init; }

    /// <summary>
    /// True for a session key MongoSess has just generated: when no live session has the key, create one (created at
    /// <see cref="Now"/>, with <see cref="TokenHash"/>). False for a key that came from a cookie: never create it, so
    /// that an ended or expired session is never brought back.
    /// </summary>
    public bool CreateIfMissing { get; }

    /// <summary>When a session is created, its absolute expiry (<see cref="SessionRecord.AbsoluteExpiresAt"/>); ignored otherwise.</summary>
    public DateTimeOffset? AbsoluteExpiresAt { get; init; }

    /// <summary>
    /// When not null, a CSRF token to store: always when <see cref="ReplaceCsrfToken"/>, otherwise only when the session
    /// has none yet (so concurrent first uses agree on one token). An update that only adds a missing token carries no
    /// operations.
    /// </summary>
    public string? CsrfToken { get; init; }

    /// <summary>Whether <see cref="CsrfToken"/> replaces an existing token.</summary>
    public bool ReplaceCsrfToken { get; init; }

    /// <summary>
    /// When not null, apply only to a session at this <see cref="SessionRecord.Version"/>, and move it to the next one;
    /// a session at another version is left alone and the update returns null, as for a missing session (callers
    /// reload to tell the two apart). Set by encryption at rest, which replaces the whole encrypted data on each write;
    /// when creating, 0 means "created at version 1". Every store must honour it.
    /// </summary>
    public long? ExpectedVersion { get; init; }

    /// <summary>When not null, ties the session to this user (<see cref="SessionRecord.UserId"/>).</summary>
    public string? UserId { get; init; }

    /// <summary>When not null, the client details to record with the session (<see cref="SessionRecord.ClientInfo"/>).</summary>
    public IReadOnlyDictionary<string, string>? ClientInfo { get; init; }

    /// <summary>When not null, the session's own idle timeout from now on (<see cref="SessionRecord.IdleTimeout"/>).</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>When not null, the new value of <see cref="SessionRecord.BrowserSessionCookie"/>.</summary>
    public bool? BrowserSessionCookie { get; init; }

    /// <summary>
    /// This update with other operations, on another stored state (token hash, expected version), and every other
    /// property the same: how a store decorator (encryption) passes an update on in another form. The one place that
    /// lists every property.
    /// </summary>
    internal SessionUpdate Rebased(
        IReadOnlyList<SessionOperation> operations, string tokenHash, DateTimeOffset? expiresAt, bool createIfMissing, long? expectedVersion) =>
        new(Id, tokenHash, operations, Now, expiresAt, createIfMissing)
        {
            NewTokenHash = NewTokenHash,
            ExtendOnly = ExtendOnly,
            AbsoluteExpiresAt = AbsoluteExpiresAt,
            CsrfToken = CsrfToken,
            ReplaceCsrfToken = ReplaceCsrfToken,
            BrowserSessionCookie = BrowserSessionCookie,
            IdleTimeout = IdleTimeout,
            UserId = UserId,
            ClientInfo = ClientInfo,
            ExpectedVersion = expectedVersion,
        };

    /// <summary>Describes the update without values.</summary>
    public override string ToString() => $"{Operations.Count} operation(s), create={CreateIfMissing}";
}
