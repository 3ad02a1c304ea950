using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MongoSessions;

// the journal: every write is one append to journal-<n>.log (a single write(2), which a crash of this process cannot
// undo), and a checkpoint about once a second puts the latest state of each changed session into its file and
// deletes the journal it covered; a new store replays what a crash left before it serves anything
public sealed partial class FileSessionStore
{
    private const string JournalPrefix = "journal-";
    private const string JournalExtension = ".log";

    // an entry: a checksum (the first 8 bytes of the SHA-256 of everything after it), the payload's length (int32
    // LE), the kind (W a session's full record, E the session ended), "MSJ", then the payload: the session file's
    // 64-character name, followed for W by the record's BSON
    private const int HeaderLength = 16;
    private const int NameLength = 64;
    private const byte Written = (byte)'W';
    private const byte Ended = (byte)'E';

    private readonly Lock _journalLock = new();
    private readonly Lock _syncLock = new();
    private FileStream? _journal;
    private long _journalNumber;
    private readonly List<string> _retiredJournals = [];

    // one checkpoint at a time: one that found nothing left to write must not delete a journal while another is
    // still writing a session it took from that journal
    private readonly SemaphoreSlim _checkpointing = new(1, 1);

    // EveryWrite: how far the current journal is known to be on the disk (group commit: one fsync serves every
    // append made before it started)
    private FileStream? _syncedJournal;
    private long _syncedLength;
    private long _journalSyncs;

    /// <summary>How many times this store forced its journal to the disk (the tests check EveryWrite does it per write).</summary>
    internal long JournalSyncs => Interlocked.Read(ref _journalSyncs);

    // appends one entry and marks the session for the next checkpoint, under one lock, so a checkpoint sees every
    // entry of the journal it retires; returns once the entry is in the operating system's cache (or on the disk, for
    // EveryWrite)
    private void Journal(byte kind, string path, byte[]? record)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        int payload = NameLength + (record?.Length ?? 0);
        var entry = ArrayPool<byte>.Shared.Rent(HeaderLength + payload);
        FileStream journal;
        long end;
        try
        {
            var span = entry.AsSpan(0, HeaderLength + payload);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], payload);
            span[12] = kind;
            "MSJ"u8.CopyTo(span[13..]);
            Encoding.ASCII.GetBytes(name, span[HeaderLength..]);
            record?.CopyTo(span[(HeaderLength + NameLength)..]);
            Checksum(span, span[..8]);
            lock (_journalLock)
            {
                journal = _journal ??= OpenJournal();
                long before = journal.Position;
                try
                {
                    journal.Write(span);
                }
                catch
                {
                    // a partial entry (a full disk) must not sit in front of later ones: they go to a new journal
                    RetireJournal(truncateTo: before);
                    throw;
                }
                end = journal.Position;
                if (kind == Written)
                {
                    _dirty[path] = record!;
                }
                else
                {
                    _dirty.TryRemove(path, out _);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(entry);
        }
        if (Durability == FileDurability.EveryWrite)
        {
            SyncJournal(journal, end);
        }
    }

    private void SyncJournal(FileStream journal, long end)
    {
        lock (_syncLock)
        {
            if (_syncedJournal == journal && _syncedLength >= end)
            {
                return;
            }
            long length;
            lock (_journalLock)
            {
                if (journal != _journal)
                {
                    // retired meanwhile: a journal is forced to the disk before it is closed (RetireJournal)
                    return;
                }
                length = journal.Position;
            }
            try
            {
                journal.Flush(flushToDisk: true);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _syncedJournal = journal;
            _syncedLength = length;
            Interlocked.Increment(ref _journalSyncs);
        }
    }

    private FileStream OpenJournal()
    {
        var path = Path.Combine(Directory, JournalPrefix + (++_journalNumber).ToString("D8", CultureInfo.InvariantCulture) + JournalExtension);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        var journal = OpenForWrite?.Invoke(path, options) ?? new FileStream(path, options);
        if (Durability == FileDurability.EveryWrite)
        {
            // the journal's name must survive a power cut as well as what is written in it
            DirectorySync.Flush(Directory);
        }
        return journal;
    }

    // closes the current journal (under _journalLock); the next append opens a new one
    private void RetireJournal(long truncateTo = -1)
    {
        if (_journal is not { } journal)
        {
            return;
        }
        _journal = null;
        try
        {
            if (truncateTo >= 0)
            {
                journal.SetLength(truncateTo);
            }
            if (Durability == FileDurability.EveryWrite)
            {
                journal.Flush(flushToDisk: true);
            }
        }
        catch (IOException e)
        {
            _logger.LogDebug("Journal {File} could not be finished ({Reason})", Path.GetFileName(journal.Name), e.Message);
        }
        finally
        {
            journal.Dispose();
            _retiredJournals.Add(journal.Name);
        }
    }

    /// <summary>
    /// Writes each changed session's latest state into its file (an atomic rename; forced to the disk unless the
    /// durability is <see cref="FileDurability.OperatingSystem"/>), then deletes the journals that held those changes.
    /// </summary>
    internal async ValueTask CheckpointAsync(CancellationToken cancellationToken)
    {
        await _checkpointing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckpointExclusiveAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _checkpointing.Release();
        }
    }

    private async ValueTask CheckpointExclusiveAsync(CancellationToken cancellationToken)
    {
        bool durable = Durability != FileDurability.OperatingSystem;
        lock (_journalLock)
        {
            RetireJournal();
            if (_retiredJournals.Count == 0)
            {
                return;
            }
        }
        bool complete = true;
        foreach (var path in _dirty.Keys)
        {
            var gate = LockOf(path);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_dirty.TryRemove(path, out var bytes))
                {
                    try
                    {
                        WriteFile(path, bytes, durable);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // the journal keeps the change: the next checkpoint (or a restart) tries again
                        _dirty.TryAdd(path, bytes);
                        complete = false;
                        _logger.LogWarning("Session file {File} could not be written from the journal ({Reason})", Path.GetFileName(path), e.Message);
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }
        if (!complete)
        {
            return;
        }
        string[] retired;
        lock (_journalLock)
        {
            retired = [.. _retiredJournals];
            _retiredJournals.Clear();
        }
        if (durable)
        {
            // the files are on the disk before the journals that could rebuild them are gone
            DirectorySync.Flush(Directory);
        }
        foreach (var journal in retired)
        {
            TryDelete(journal);
        }
        if (durable)
        {
            // and those deletions are, before a later checkpoint deletes newer journals
            DirectorySync.Flush(Directory);
        }
    }

    // of everything after the checksum field
    private static Span<byte> Checksum(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(entry[8..], hash);
        hash[..8].CopyTo(destination);
        return destination;
    }
}
