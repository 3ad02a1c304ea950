using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MongoSessions;

/// <summary>
/// Sessions as files in one directory, one BSON file per session: the embedded store, with nothing to install.
/// Every write is first one append to a journal in the same directory, which a crash of the process cannot undo;
/// about once a second a checkpoint puts each changed session into its file (write a temporary file, then rename, so
/// no file is ever torn) and deletes the journal, and a new store replays whatever journal a crash left. A file that
/// cannot be read is logged, renamed to <c>*.corrupt</c> and treated as absent. Safe for concurrent requests in one
/// process; do not point two processes at the same directory.
/// </summary>
public sealed partial class FileSessionStore : ISessionStore
{
    private const string Extension = ".session";
    private const string TempPrefix = ".tmp-";

    // a session record cannot exceed MongoDB's 16 MiB document limit; anything larger is not ours
    private const long MaxFileBytes = 16 * 1024 * 1024;

    private readonly SemaphoreSlim[] _locks;

    // the sessions this process read or wrote, by file path: the files stay the truth (one process per directory),
    // this saves reading and decoding a file on every request; every removal of a file removes its entry
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SessionRecord> _cache = new(StringComparer.Ordinal);

    // the sessions changed since the last checkpoint (by file path, with the record's bytes as journaled), and the loop
    // that runs the checkpoints
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _dirty = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task? _checkpoints;
    private readonly ILogger _logger;

    /// <summary>Creates the store, creating the directory (owner-only on Unix) when it does not exist.</summary>
    /// <param name="directory">The directory for session files; relative paths are resolved against the current directory.</param>
    /// <param name="loggerFactory">Where to log unreadable files; optional.</param>
    public FileSessionStore(string directory, ILoggerFactory? loggerFactory = null)
        : this(directory, FileDurability.EverySecond, loggerFactory)
    {
    }

    /// <summary>Creates the store with a durability of your choice (see <see cref="FileDurability"/>).</summary>
    /// <param name="directory">The directory for session files; relative paths are resolved against the current directory.</param>
    /// <param name="durability">When writes are forced to the disk; <see cref="FileDurability.EverySecond"/> by default.</param>
    /// <param name="loggerFactory">Where to log unreadable files; optional.</param>
    public FileSessionStore(string directory, FileDurability durability, ILoggerFactory? loggerFactory = null)
        : this(directory, durability, loggerFactory, TimeSpan.FromSeconds(1))
    {
    }

    // checkpointInterval: Timeout.InfiniteTimeSpan leaves checkpoints to the tests (and to disposal)
    internal FileSessionStore(string directory, FileDurability durability, ILoggerFactory? loggerFactory, TimeSpan checkpointInterval)
    {
        if (!Enum.IsDefined(durability))
        {
            throw new ArgumentOutOfRangeException(nameof(durability), durability, "Not a FileDurability value.");
        }
        Durability = durability;
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FileSessionStore>();
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, OwnerOnly);
            RestrictToOwner(Directory, _logger);
        }
        // no write runs yet in this process, so every temporary file here was left by a crash
        RemoveAbandonedTempFiles(Directory, olderThan: TimeSpan.Zero);
        ReplayJournals();
        _locks = new SemaphoreSlim[64];
        for (int i = 0; i < _locks.Length; i++)
        {
            _locks[i] = new SemaphoreSlim(1, 1);
        }
        if (checkpointInterval != Timeout.InfiniteTimeSpan)
        {
            _checkpoints = CheckpointPeriodicallyAsync(checkpointInterval, _stopping.Token);
        }
    }

    /// <summary>When writes are forced to the disk.</summary>
    public FileDurability Durability { get; }

    /// <inheritdoc />
    public string Name => "file";

    /// <summary>The full path of the session directory.</summary>
    public string Directory { get; }

    // a test seam: the stream each write's temporary file is written through (a full disk is hard to make on demand)
    internal Func<string, FileStreamOptions, FileStream>? OpenForWrite { get; init; }

    /// <inheritdoc />
    public async ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await ReadSharedAsync(PathOf(id), cancellationToken).ConfigureAwait(false);
        return record is null || record.IsExpired(now) || record.Id != id ? null : record;
    }

    /// <inheritdoc />
    public async ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var path = PathOf(update.Id);
        var gate = LockOf(path);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            SessionWriteResult? result;
            if (record is not null && record.Id == update.Id && record.IsOpenedBy(update))
            {
                result = record.ApplyIfVersion(update);
                if (result is null)
                {
                    return null;
                }
            }
            else if (update.CreateIfMissing && (record is null || record.Id != update.Id || record.IsExpired(update.Now)))
            {
                record = SessionRecord.CreateFrom(update, out result);
            }
            else
            {
                return null;
            }
            var bytes = record.ToBson();
            if (bytes.Length > MaxFileBytes)
            {
                // refuse here rather than write a file the next read would reject as corrupt
                throw new InvalidOperationException("The session would exceed 16 MiB, the most a session can hold (as a MongoDB document); the update was not applied.");
            }
            Journal(Written, path, bytes);
            // the record as written is the next read's: no file read and decode per request
            _cache[path] = record;
            if (update.UserId is { } user)
            {
                IndexUser(user, path);
            }
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not FileNotFoundException)
        {
            // a full or read-only disk: nothing was written (the temporary file is gone, the old file untouched)
            throw Unavailable(e);
        }
        finally
        {
            gate.Release();
        }
    }

    private MongoSessStoreUnavailableException Unavailable(Exception e)
    {
        _logger.LogWarning("The session directory {Directory} cannot be written ({Reason})", Directory, e.Message);
        return new MongoSessStoreUnavailableException($"The session store cannot write to {Directory}: {e.Message}", e);
    }

    /// <inheritdoc />
    public async ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        var gate = LockOf(path);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await ReadAsync(path, cancellationToken).ConfigureAwait(false) is not { } record)
            {
                return false;
            }
            if (tokenHash is not null && !string.Equals(record.TokenHash, tokenHash, StringComparison.Ordinal))
            {
                // another token's session (a regeneration replaced the one the request presents): not this request's to end
                return false;
            }
            DeleteSessionFile(path);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in ListAsync(now, cancellationToken).ConfigureAwait(false))
        {
            count++;
        }
        return count;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var path in SessionPaths())
        {
            var record = await ReadSharedAsync(path, cancellationToken).ConfigureAwait(false);
            if (record is not null && !record.IsExpired(now))
            {
                yield return record;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        _cache.Clear();
        if (System.IO.Directory.Exists(UsersDirectory))
        {
            System.IO.Directory.Delete(UsersDirectory, recursive: true);
        }
        foreach (var path in SessionPaths())
        {
            var gate = LockOf(path);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                DeleteSessionFile(path);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        long removed = 0;
        foreach (var path in SessionPaths())
        {
            var gate = LockOf(path);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // read under the lock: a session refreshed a moment ago must not be deleted
                var record = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
                if (record is not null && record.IsExpired(now))
                {
                    DeleteSessionFile(path);
                    removed++;
                }
            }
            finally
            {
                gate.Release();
            }
        }
        RemoveAbandonedTempFiles(Directory, olderThan: TimeSpan.FromHours(1));
        return removed;
    }

    /// <summary>Stops the background checkpoints, after a last one: the session files then hold every write.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_checkpoints is not null)
        {
            await _checkpoints.ConfigureAwait(false);
        }
        // what the last second wrote reaches its files (and the disk) before the store is gone
        try
        {
            await CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the journal keeps every change; the next store on this directory replays it
            _logger.LogWarning("Session checkpoint in {Directory} failed at shutdown ({Reason})", Directory, e.Message);
        }
        lock (_journalLock)
        {
            _journal?.Dispose();
            _journal = null;
        }
        _stopping.Dispose();
    }
}
