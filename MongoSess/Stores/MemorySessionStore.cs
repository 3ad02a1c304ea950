using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace MongoSessions;

/// <summary>
/// Sessions in this process's memory: for tests, development and single-process tools. Thread-safe; each session
/// has its own lock, so requests on different sessions never wait for each other. Everything is lost when the
/// process ends.
/// </summary>
public sealed class MemorySessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);

    // user id to the keys of its sessions; an entry whose session ended or moved to another user is dropped when read
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byUser = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Name => "memory";

    /// <summary>The number of stored records, expired or not.</summary>
    internal int StoredCount => _sessions.Count;

    /// <inheritdoc />
    public ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(id, out var record))
        {
            return ValueTask.FromResult<SessionRecord?>(null);
        }
        lock (record)
        {
            return ValueTask.FromResult(record.IsExpired(now) ? null : record.Clone());
        }
    }

    /// <inheritdoc />
    public ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        while (true)
        {
            if (_sessions.TryGetValue(update.Id, out var record))
            {
                lock (record)
                {
                    // a record removed from the map while we waited for its lock is stale: look again
                    if (!_sessions.TryGetValue(update.Id, out var current) || !ReferenceEquals(current, record))
                    {
                        continue;
                    }
                    if (record.IsOpenedBy(update))
                    {
                        var applied = record.ApplyIfVersion(update);
                        IndexUser(update);
                        return ValueTask.FromResult(applied);
                    }
                    // another token's live session is never replaced; an expired one is, by a session to create
                    if (!update.CreateIfMissing || !record.IsExpired(update.Now))
                    {
                        return ValueTask.FromResult<SessionWriteResult?>(null);
                    }
                    var replacement = SessionRecord.CreateFrom(update, out var replaced);
                    _sessions[update.Id] = replacement;
                    IndexUser(update);
                    return ValueTask.FromResult<SessionWriteResult?>(replaced);
                }
            }
            if (!update.CreateIfMissing)
            {
                return ValueTask.FromResult<SessionWriteResult?>(null);
            }
            var created = SessionRecord.CreateFrom(update, out var result);
            if (_sessions.TryAdd(update.Id, created))
            {
                IndexUser(update);
                return ValueTask.FromResult<SessionWriteResult?>(result);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken)
    {
        if (tokenHash is null || !_sessions.TryGetValue(id, out var record))
        {
            return ValueTask.FromResult(tokenHash is null && _sessions.TryRemove(id, out _));
        }
        lock (record)
        {
            // under the record's lock, so a regeneration cannot swap the token between the check and the removal
            return ValueTask.FromResult(
                string.Equals(record.TokenHash, tokenHash, StringComparison.Ordinal) && _sessions.TryRemove(new KeyValuePair<string, SessionRecord>(id, record)));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        long count = 0;
        foreach (var pair in _sessions)
        {
            lock (pair.Value)
            {
                count += pair.Value.IsExpired(now) ? 0 : 1;
            }
        }
        return ValueTask.FromResult(count);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var pair in _sessions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SessionRecord? copy;
            lock (pair.Value)
            {
                copy = pair.Value.IsExpired(now) ? null : pair.Value.Clone();
            }
            if (copy is not null)
            {
                yield return copy;
            }
        }
    }

    private void IndexUser(SessionUpdate update)
    {
        if (update.UserId is { } user)
        {
            _byUser.GetOrAdd(user, static _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal))[update.Id] = 0;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SessionRecord> ListByUserAsync(string userId, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!_byUser.TryGetValue(userId, out var keys))
        {
            yield break;
        }
        foreach (var key in keys.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SessionRecord? copy = null;
            if (_sessions.TryGetValue(key, out var record))
            {
                lock (record)
                {
                    copy = record.IsExpired(now) || record.UserId != userId ? null : record.Clone();
                }
            }
            if (copy is null)
            {
                keys.TryRemove(key, out _);
            }
            else
            {
                yield return copy;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> EndByUserAsync(string userId, string? exceptId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long ended = 0;
        await foreach (var record in ListByUserAsync(userId, now, cancellationToken).ConfigureAwait(false))
        {
            if (record.Id != exceptId && _sessions.TryGetValue(record.Id, out var current))
            {
                lock (current)
                {
                    // under the record's lock: a session that moved to another user meanwhile is not this user's
                    if (current.UserId == userId && _sessions.TryRemove(new KeyValuePair<string, SessionRecord>(record.Id, current)))
                    {
                        ended++;
                    }
                }
            }
        }
        return ended;
    }

    /// <inheritdoc />
    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        _sessions.Clear();
        _byUser.Clear();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        long removed = 0;
        foreach (var pair in _sessions)
        {
            lock (pair.Value)
            {
                // removing under the record's lock keeps an update from landing on a record that is leaving
                if (pair.Value.IsExpired(now) && _sessions.TryRemove(pair))
                {
                    removed++;
                }
            }
        }
        return ValueTask.FromResult(removed);
    }

    /// <summary>Nothing to release; the sessions stay in memory until the store is collected.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
