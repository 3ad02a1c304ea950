namespace MongoSessions;

/// <summary>
/// Where sessions live. MongoSess calls a store at most once per request for reads, and once per write, each call
/// being one atomic operation; implement this to put sessions in another backend.
/// </summary>
/// <remarks>
/// The contract, which the shared contract test suite checks for every store:
/// <list type="bullet">
/// <item>A record whose <see cref="SessionRecord.ExpiresAt"/> is at or before the <c>now</c> given is absent for every
/// operation, even if it has not been removed yet.</item>
/// <item>Records are found by key (<see cref="SessionRecord.Id"/>); a request's writes and its end apply only while
/// the record's <see cref="SessionRecord.TokenHash"/> is the hash the request presents, checked in the same atomic step.
/// The store never sees a token, only its hash.</item>
/// <item>Records returned are the caller's to keep: later changes in the store must not show through them.</item>
/// <item>Every method is safe to call concurrently, from many requests at once.</item>
/// <item>Cancellation stops waiting; an operation the store has already applied stays applied.</item>
/// <item><see cref="SessionUpdate.ExpectedVersion"/> is honoured (compare-and-swap on <see cref="SessionRecord.Version"/>):
/// encryption at rest relies on it, over any store.</item>
/// </list>
/// </remarks>
public interface ISessionStore : IAsyncDisposable
{
    /// <summary>
    /// Prepares the backend, once, when <see cref="MongoSess.ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/>
    /// is given the store, before any request (<see cref="MongoSessionStore"/> creates its TTL indexes here). A failure
    /// fails the connect. The default does nothing.
    /// </summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// The store's short name in metrics and traces (the <c>store</c> tag): <c>memory</c>, <c>file</c> and
    /// <c>mongodb</c> for the built-in stores; the type name unless a store says otherwise.
    /// </summary>
    string Name => GetType().Name;

    /// <summary>
    /// True when the backend removes expired sessions by itself (MongoDB's TTL index), so that
    /// <see cref="SessionCleanup.Default"/> starts no sweep and <see cref="SessionCleanup.TtlIndex"/> is allowed. False
    /// unless a store says otherwise.
    /// </summary>
    bool RemovesExpiredSessions => false;

    /// <summary>
    /// Returns the live session with this key, whatever its token (MongoSess compares <see cref="SessionRecord.TokenHash"/>
    /// itself, and tells a token that a regeneration replaced from a session that is gone), or null when it is missing or
    /// expired.
    /// </summary>
    ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="update"/> as one atomic step: to the live session with its key whose current token hash
    /// is <see cref="SessionUpdate.TokenHash"/> (<see cref="SessionRecord.IsOpenedBy"/>); or, when there is no live
    /// session with the key and <see cref="SessionUpdate.CreateIfMissing"/> is true, to a new empty session created at
    /// <see cref="SessionUpdate.Now"/>. Two concurrent updates of the same session must both take effect, as if one
    /// ran after the other (no lost update). With <see cref="SessionUpdate.NewTokenHash"/> the same step replaces the
    /// token hash (regeneration), so no write can land between the old token's last and the new one's first. With
    /// <see cref="SessionUpdate.ExtendOnly"/> the expiry only ever moves later, in the same step; a store that cannot do
    /// that may always set it (and leave <see cref="SessionWriteResult.ExpiresAt"/> null).
    /// </summary>
    /// <returns>
    /// The new values of the incremented paths and the cookie flag, or null when the session is missing, expired or has
    /// another token, and was not to be created.
    /// </returns>
    /// <exception cref="InvalidOperationException">
    /// An operation does not fit the stored data (a path through a value that is not a document, an increment of a
    /// non-number); nothing was changed.
    /// </exception>
    ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the session with this key: when <paramref name="tokenHash"/> is given (a request ending its own session),
    /// only while that is its current token hash; when null (administration), whatever its token. A missing key is not
    /// an error.
    /// </summary>
    /// <returns>True when a session was deleted.</returns>
    ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken);

    /// <summary>Counts the live sessions.</summary>
    ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Streams the live sessions, in no particular order, without loading them all at once.</summary>
    IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes every session.</summary>
    ValueTask ClearAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes every live session whose data matches (e.g. "user.id = 42", to log a user out everywhere). The default
    /// implementation streams <see cref="ListAsync"/> and deletes each match; a store that can query should override it.
    /// </summary>
    /// <returns>How many were deleted.</returns>
    async ValueTask<long> EndWhereAsync(SessionMatch match, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long destroyed = 0;
        var matching = new List<string>();
        await foreach (var record in ListAsync(now, cancellationToken).ConfigureAwait(false))
        {
            if (match.IsMatchedBy(record.Data))
            {
                matching.Add(record.Id);
            }
        }
        foreach (var id in matching)
        {
            destroyed += await EndAsync(id, tokenHash: null, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }
        return destroyed;
    }

    /// <summary>
    /// Streams the live sessions of one user (<see cref="SessionRecord.UserId"/>). The built-in stores keep an index and
    /// read no other user's session; the default implementation filters <see cref="ListAsync"/>.
    /// </summary>
    async IAsyncEnumerable<SessionRecord> ListByUserAsync(string userId, DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in ListAsync(now, cancellationToken).ConfigureAwait(false))
        {
            if (record.UserId == userId)
            {
                yield return record;
            }
        }
    }

    /// <summary>
    /// Ends every session of one user but the one with key <paramref name="exceptId"/> (null: all of them). The default
    /// implementation ends what <see cref="ListByUserAsync"/> lists, one by one.
    /// </summary>
    /// <returns>How many were ended.</returns>
    async ValueTask<long> EndByUserAsync(string userId, string? exceptId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var record in ListByUserAsync(userId, now, cancellationToken).ConfigureAwait(false))
        {
            if (record.Id != exceptId)
            {
                keys.Add(record.Id);
            }
        }
        long ended = 0;
        foreach (var key in keys)
        {
            ended += await EndAsync(key, tokenHash: null, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }
        return ended;
    }

    /// <summary>Deletes the expired sessions.</summary>
    /// <returns>How many were deleted.</returns>
    ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
