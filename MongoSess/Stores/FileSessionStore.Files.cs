using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MongoSessions;

// the files: names, locks, reading, atomic writing, quarantine of damaged files, permissions, leftovers of crashes
public sealed partial class FileSessionStore
{
    // the file name is a hash of the key, so no key (whatever a caller passes) can name a path outside the directory,
    // and keys that differ only in case stay apart on case-insensitive file systems
    internal string PathOf(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return Path.Combine(Directory, Convert.ToHexStringLower(hash) + Extension);
    }

    // the user index: users/<hash of the user id>/<hash of the key>, an empty file per session of that user
    private string UsersDirectory => Path.Combine(Directory, "users");

    private string UserDirectory(string userId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(userId), hash);
        return Path.Combine(UsersDirectory, Convert.ToHexStringLower(hash));
    }

    private void IndexUser(string userId, string sessionPath)
    {
        var directory = UserDirectory(userId);
        var marker = Path.Combine(directory, Path.GetFileNameWithoutExtension(sessionPath));
        if (File.Exists(marker))
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(UsersDirectory, OwnerOnly);
            System.IO.Directory.CreateDirectory(directory, OwnerOnly);
        }
        File.WriteAllBytes(marker, []);
        // once its directory is flushed, the marker survives a power cut (the session itself is in the journal)
        DirectorySync.Flush(directory);
    }

    // each marker of the user, with the session file it names
    private IEnumerable<(string Marker, string SessionPath)> UserMarkers(string userId)
    {
        var directory = UserDirectory(userId);
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }
        return System.IO.Directory.EnumerateFiles(directory).Select(marker => (marker, Path.Combine(Directory, Path.GetFileName(marker) + Extension))).ToList();
    }

    private SemaphoreSlim LockOf(string path) => _locks[(uint)StringComparer.Ordinal.GetHashCode(Path.GetFileName(path)) % (uint)_locks.Length];

    // the journal says so first, so that a replay after a crash cannot bring the session back
    private void DeleteSessionFile(string path)
    {
        Journal(Ended, path, record: null);
        _cache.TryRemove(path, out _);
        File.Delete(path);
    }

    // every session this store holds: the files, and the sessions changed since the last checkpoint (in the journal
    // and in memory, perhaps not in a file yet)
    private IEnumerable<string> SessionPaths()
    {
        var paths = new HashSet<string>(System.IO.Directory.EnumerateFiles(Directory, "*" + Extension), StringComparer.Ordinal);
        paths.UnionWith(_dirty.Keys);
        return paths;
    }

    // a copy for a caller that holds the session's lock, from the cache or the file
    private async ValueTask<SessionRecord?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(path, out var cached))
        {
            return cached.Clone();
        }
        var record = await ReadFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            _cache[path] = record.Clone();
        }
        return record;
    }

    // a copy for a caller without the lock: the cache when it has the session, or else the file read under the lock,
    // so that a write or an end racing with the read cannot be undone by the read filling the cache after it
    private async ValueTask<SessionRecord?> ReadSharedAsync(string path, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(path, out var cached))
        {
            return cached.Clone();
        }
        var gate = LockOf(path);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async ValueTask<SessionRecord?> ReadFileAsync(string path, CancellationToken cancellationToken)
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
        _cache.TryRemove(path, out _);
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

    // a session's file replaced atomically: a temporary file, then a rename; durable: forced to the disk before the rename
    private void WriteFile(string path, byte[] bytes, bool durable)
    {
        var temp = Path.Combine(Directory, TempPrefix + Guid.NewGuid().ToString("N"));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var stream = OpenForWrite?.Invoke(temp, options) ?? new FileStream(temp, options))
            {
                stream.Write(bytes);
                if (durable)
                {
                    // on the disk before the rename, or a power cut could leave the new name pointing at nothing
                    stream.Flush(flushToDisk: true);
                }
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private async Task CheckpointPeriodicallyAsync(TimeSpan interval, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await CheckpointAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // the journals stay, and so does every change: the next round (or a restart) tries again
                    _logger.LogWarning("Session checkpoint in {Directory} failed ({Reason})", Directory, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
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
