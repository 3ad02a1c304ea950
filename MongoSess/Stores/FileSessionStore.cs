using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MongoSessions;

/// <summary>
/// Sessions as files in one directory, one BSON file per session: the embedded store, with nothing to install.
/// Every write replaces the file atomically (write a temporary file, then rename), so a crash never leaves a torn
/// session; a file that cannot be read is logged, renamed to <c>*.corrupt</c> and treated as absent. Safe for
/// concurrent requests in one process; do not point two processes at the same directory.
/// </summary>
public sealed class FileSessionStore : ISessionStore
{
    private const string Extension = ".session";
    private const string TempPrefix = ".tmp-";

    // a session record cannot exceed MongoDB's 16 MiB document limit; anything larger is not ours
    private const long MaxFileBytes = 16 * 1024 * 1024;

    private readonly SemaphoreSlim[] _locks;
    private readonly ILogger _logger;

    /// <summary>Creates the store, creating the directory (owner-only on Unix) when it does not exist.</summary>
    /// <param name="directory">The directory for session files; relative paths are resolved against the current directory.</param>
    /// <param name="loggerFactory">Where to log unreadable files; optional.</param>
    public FileSessionStore(string directory, ILoggerFactory? loggerFactory = null)
    {
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
        _locks = new SemaphoreSlim[64];
        for (int i = 0; i < _locks.Length; i++)
        {
            _locks[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <inheritdoc />
    public string Name => "file";

    /// <summary>The full path of the session directory.</summary>
    public string Directory { get; }

    // a test seam: the stream each write's temporary file is written through (a full disk is hard to make on demand)
    internal Func<string, FileStreamOptions, FileStream>? OpenForWrite { get; init; }

    /// <inheritdoc />
    public async ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await ReadAsync(PathOf(id), cancellationToken).ConfigureAwait(false);
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
            await WriteAsync(path, bytes, cancellationToken).ConfigureAwait(false);
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
            if (!File.Exists(path))
            {
                return false;
            }
            if (tokenHash is not null
                && (await ReadAsync(path, cancellationToken).ConfigureAwait(false) is not { } record || !string.Equals(record.TokenHash, tokenHash, StringComparison.Ordinal)))
            {
                // another token's session (a regeneration replaced the one the request presents): not this request's to end
                return false;
            }
            File.Delete(path);
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
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            var record = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (record is not null && !record.IsExpired(now))
            {
                yield return record;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            var gate = LockOf(path);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                File.Delete(path);
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
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            var gate = LockOf(path);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // read under the lock: a session refreshed a moment ago must not be deleted
                var record = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
                if (record is not null && record.IsExpired(now))
                {
                    File.Delete(path);
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

    /// <summary>Nothing to release: every operation closes its files.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // the file name is a hash of the key, so no key (whatever a caller passes) can name a path outside the directory,
    // and keys that differ only in case stay apart on case-insensitive file systems
    internal string PathOf(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return Path.Combine(Directory, Convert.ToHexStringLower(hash) + Extension);
    }

    private SemaphoreSlim LockOf(string path) => _locks[(uint)StringComparer.Ordinal.GetHashCode(Path.GetFileName(path)) % (uint)_locks.Length];

    private async ValueTask<SessionRecord?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }
            if (info.Length > MaxFileBytes)
            {
                Quarantine(path, "it is larger than 16 MiB");
                return null;
            }
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        try
        {
            return SessionRecord.FromBson(bytes);
        }
        catch (FormatException e)
        {
            Quarantine(path, e.Message);
            return null;
        }
    }

    private void Quarantine(string path, string reason)
    {
        // log the file name and the reason only: the content may hold session data
        _logger.LogWarning("Session file {File} cannot be read ({Reason}); it is renamed to .corrupt and treated as absent", Path.GetFileName(path), reason);
        try
        {
            File.Move(path, path + ".corrupt", overwrite: true);
        }
        catch (IOException)
        {
            // already moved or deleted by another request: it is absent either way
        }
    }

    private async ValueTask WriteAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Directory, TempPrefix + Guid.NewGuid().ToString("N"));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            await using (var stream = OpenForWrite?.Invoke(temp, options) ?? new FileStream(temp, options))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                // flush to the disk before the rename, or a power cut could leave the new name pointing at nothing
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            // the rename lives in the directory: until the directory is flushed too, a power cut can undo it
            DirectorySync.Flush(Directory);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // a directory that existed before (created by hand, or by an older version) may let other users read the
    // sessions: narrow it to its owner, or refuse it when that is not allowed
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void RestrictToOwner(string directory, ILogger logger)
    {
        var mode = File.GetUnixFileMode(directory);
        if ((mode & ~OwnerOnly) == 0)
        {
            return;
        }
        try
        {
            File.SetUnixFileMode(directory, OwnerOnly);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException(
                $"The session directory {directory} can be read by other users (mode {Convert.ToString((int)mode, 8)}) and this process may not change that; give it mode 700 or choose another directory.", e);
        }
        logger.LogWarning("Session directory {Directory} could be read by other users (mode {Mode}); its mode is now 700", directory, Convert.ToString((int)mode, 8));
    }

    private static void RemoveAbandonedTempFiles(string directory, TimeSpan olderThan)
    {
        foreach (var temp in System.IO.Directory.EnumerateFiles(directory, TempPrefix + "*"))
        {
            // a temporary file lives for one write; past that it was left by a crash (file times are wall-clock
            // times, so this compares with the real clock, not the session clock)
            if (olderThan == TimeSpan.Zero || File.GetLastWriteTimeUtc(temp) < DateTime.UtcNow - olderThan)
            {
                TryDelete(temp);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
