using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoSessions.Diagnostics;
using MongoSessions.Values;

namespace MongoSessions.Encryption;

/// <summary>
/// Encryption at rest around a built-in store: a session's data and flash entries are stored as one AES-256-GCM value,
/// <c>data: { encrypted: BinData }</c>, while its id, times, cookie flag and CSRF token stay readable for the store's
/// queries and TTL index. A store cannot change parts of a value it cannot read, so a write that touches data reads
/// the session, applies the operations here, and writes the new value back only if nobody wrote in between (a
/// compare-and-swap on <see cref="SessionRecord.Version"/>), retrying otherwise: two round trips instead of one, and
/// still no lost update. Writes that touch no data (touches, the cookie flag, the CSRF token) pass straight through.
/// </summary>
internal sealed class EncryptingSessionStore : ISessionStore
{
    public const string Field = "encrypted";

    // far beyond what a session sees (each retry means another request's write landed); then the request fails loudly
    private const int DefaultMaxAttempts = 64;

    private readonly int _maxAttempts;
    private readonly ISessionStore _inner;
    private readonly SessionCipher _cipher;
    private readonly ILogger _logger;
    private readonly bool _migratePlaintext;

    public EncryptingSessionStore(ISessionStore inner, EncryptionKeyring keys, ILogger logger, bool migratePlaintext = false, int maxAttempts = DefaultMaxAttempts)
    {
        _maxAttempts = maxAttempts;
        _migratePlaintext = migratePlaintext;
        _inner = inner;
        _cipher = new SessionCipher(keys);
        _logger = logger;
    }

    public ISessionStore Inner => _inner;

    // telemetry and cleanup see the store underneath
    public string Name => _inner.Name;

    public bool RemovesExpiredSessions => _inner.RemovesExpiredSessions;

    public async ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await _inner.LoadAsync(id, now, cancellationToken).ConfigureAwait(false);
        if (stored is null || Decrypt(stored, out bool stale) is not { } plain)
        {
            return null;
        }
        if (stale && stored.TokenHash is not null)
        {
            // written in the clear (before encryption was turned on) or with a retired key: seal it with the current
            // key now, once, so old keys can leave the ring; a concurrent write that wins does the same
            await _inner.UpdateAsync(SealUpdate(stored, plain, now, expiresAt: null, source: null), cancellationToken).ConfigureAwait(false);
        }
        return plain;
    }

    public async ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.CreateIfMissing)
        {
            return await CreateAsync(update, cancellationToken).ConfigureAwait(false);
        }
        if (update.Operations.Count == 0)
        {
            return await _inner.UpdateAsync(update, cancellationToken).ConfigureAwait(false);
        }
        for (int attempt = 1; ; attempt++)
        {
            var stored = await _inner.LoadAsync(update.Id, update.Now, cancellationToken).ConfigureAwait(false);
            if (stored is null || !stored.IsOpenedBy(update) || Decrypt(stored, out _) is not { } plain)
            {
                return null;
            }
            if (update.ExpectedVersion is { } expected && expected != stored.Version)
            {
                // the caller's own compare-and-swap: honoured as any store honours it
                return null;
            }
            // throws InvalidOperationException, with nothing written, when the operations do not fit the data
            var result = plain.Apply(update);
            var written = await _inner.UpdateAsync(SealUpdate(stored, plain, update.Now, update.ExpiresAt, update), cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                return Merge(result, written);
            }
            if (attempt == _maxAttempts)
            {
                throw new MongoSessException(
                    $"The session was changed by other requests {_maxAttempts} times while this request tried to write it; nothing was written. " +
                    "Encrypted sessions serialize writes to one session; spread very frequent writes over more sessions.");
            }
            _logger.LogDebug("Encrypted session {Session} changed during a write; retrying (attempt {Attempt})", SessionLogId.Of(update.Id), attempt + 1);
            if (attempt > 4)
            {
                // many writers on one session: back off a little so they stop colliding
                await Task.Delay(Random.Shared.Next(1, 2 << Math.Min(attempt - 4, 5)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<SessionWriteResult?> CreateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        var plain = SessionRecord.CreateFrom(update, out var result);
        // created at version 1 (the compare-and-swap from "no version"), which the value is bound to
        var sealedUpdate = update.Rebased([SessionOperation.Set(Field, Sealed(plain, version: 1))], update.TokenHash, update.ExpiresAt, createIfMissing: true, expectedVersion: 0);
        var written = await _inner.UpdateAsync(sealedUpdate, cancellationToken).ConfigureAwait(false);
        return written is null ? null : Merge(result, written);
    }

    public ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken) => _inner.EndAsync(id, tokenHash, cancellationToken);

    public ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) => _inner.CountAsync(now, cancellationToken);

    public async IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var stored in _inner.ListAsync(now, cancellationToken).ConfigureAwait(false))
        {
            if (Decrypt(stored, out _) is { } plain)
            {
                yield return plain;
            }
        }
    }

    public async IAsyncEnumerable<SessionRecord> ListByUserAsync(string userId, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // the user id stays readable (the store's index needs it); the data is decrypted as for any read
        await foreach (var stored in _inner.ListByUserAsync(userId, now, cancellationToken).ConfigureAwait(false))
        {
            if (Decrypt(stored, out _) is { } plain)
            {
                yield return plain;
            }
        }
    }

    public ValueTask<long> EndByUserAsync(string userId, string? exceptId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _inner.EndByUserAsync(userId, exceptId, now, cancellationToken);

    // no EndWhereAsync: the store cannot query encrypted values, so the interface's default (list, decrypt, match,
    // delete) does it here

    public ValueTask ClearAsync(CancellationToken cancellationToken) => _inner.ClearAsync(cancellationToken);

    public ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => _inner.RemoveExpiredAsync(now, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary>
    /// The record with its data and flash decrypted (or taken as they are, for a record stored in the clear); null when
    /// it cannot be read. <paramref name="stale"/>: stored in the clear or under an older key, so to be sealed again.
    /// </summary>
    private SessionRecord? Decrypt(SessionRecord stored, out bool stale)
    {
        if (stored.Data.Find(Field) is not BsonBinaryData value)
        {
            stale = stored.Data.Count > 0 || stored.Flash.Count > 0;
            if (stale && !_migratePlaintext)
            {
                // someone who can write to the store could otherwise put data in the clear beside encrypted sessions
                _logger.LogWarning(
                    "Session {Session} is stored in the clear while encryption at rest is on; it is treated as missing (set MongoSessOptions.EncryptionMigratesPlaintext to encrypt such sessions on their first read)",
                    SessionLogId.Of(stored.Id));
                return null;
            }
            return stored;
        }
        stale = false;
        if (_cipher.Decrypt(stored.Id, stored.Version, value.Bytes, out var failure) is not { } plain)
        {
            // treated as absent, like a bad cookie: the request gets a new session, the stored one is left for expiry
            _logger.LogWarning("Session {Session} cannot be decrypted ({Reason}); it is treated as missing", SessionLogId.Of(stored.Id), failure);
            return null;
        }
        stale = !plain.UnderCurrentKey;
        return stored.WithContent(plain.Data, plain.Flash);
    }

    // bound to the version the compare-and-swap writes it at: an older value of the same session, copied back over a
    // later one, no longer decrypts
    private BsonBinaryData Sealed(SessionRecord plain, long version) => new(_cipher.Encrypt(plain.Id, version, plain.Data, plain.Flash));

    /// <summary>
    /// The compare-and-swap write of <paramref name="plain"/> over <paramref name="stored"/>: the new sealed value, the
    /// removal of anything stored in the clear, and <paramref name="source"/>'s expiry, cookie flag, CSRF token and new
    /// token hash (a regeneration), on the token hash the stored record had.
    /// </summary>
    private SessionUpdate SealUpdate(SessionRecord stored, SessionRecord plain, DateTimeOffset now, DateTimeOffset? expiresAt, SessionUpdate? source)
    {
        var operations = new List<SessionOperation>(1 + stored.Data.Count + stored.Flash.Count);
        foreach (var key in stored.Data.Keys)
        {
            if (key != Field)
            {
                operations.Add(SessionOperation.Unset(key));
            }
        }
        foreach (var key in stored.Flash.Keys)
        {
            operations.Add(SessionOperation.FlashUnset(key));
        }
        operations.Add(SessionOperation.Set(Field, Sealed(plain, stored.Version + 1)));
        return source is null
            ? new SessionUpdate(stored.Id, stored.TokenHash!, operations, now, expiresAt, createIfMissing: false) { ExpectedVersion = stored.Version }
            : source.Rebased(operations, stored.TokenHash!, expiresAt, createIfMissing: false, stored.Version);
    }

    // values and flash values come from the local apply; the cookie flag, deadline and token from the store, which
    // may have moved them with a write that touched no data
    private static SessionWriteResult Merge(SessionWriteResult local, SessionWriteResult stored) =>
        new(local.Values, stored.BrowserSessionCookie, stored.AbsoluteExpiresAt)
        {
            FlashValues = local.FlashValues,
            CsrfToken = stored.CsrfToken,
            IdleTimeout = stored.IdleTimeout,
            ExpiresAt = stored.ExpiresAt,
        };
}
