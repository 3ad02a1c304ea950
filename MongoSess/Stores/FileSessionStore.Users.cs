using System.Runtime.CompilerServices;

namespace MongoSessions;

// a user's sessions, through the user index (users/<hash of the user id>/<session file name>)
public sealed partial class FileSessionStore
{
    /// <inheritdoc />
    public async IAsyncEnumerable<SessionRecord> ListByUserAsync(string userId, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var (marker, path) in UserMarkers(userId))
        {
            var record = await ReadSharedAsync(path, cancellationToken).ConfigureAwait(false);
            if (record is not null && !record.IsExpired(now) && record.UserId == userId)
            {
                yield return record;
            }
            else
            {
                // the session ended, expired or belongs to someone else now: the marker goes
                TryDelete(marker);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> EndByUserAsync(string userId, string? exceptId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? keep = exceptId is null ? null : PathOf(exceptId);
        long ended = 0;
        foreach (var (marker, path) in UserMarkers(userId))
        {
            if (path == keep)
            {
                continue;
            }
            var gate = LockOf(path);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (await ReadAsync(path, cancellationToken).ConfigureAwait(false) is { } record && record.UserId == userId)
                {
                    DeleteSessionFile(path);
                    ended += record.IsExpired(now) ? 0 : 1;
                }
                TryDelete(marker);
            }
            finally
            {
                gate.Release();
            }
        }
        return ended;
    }
}
