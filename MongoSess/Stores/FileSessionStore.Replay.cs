using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MongoSessions;

// the start of a store on a directory a crash left journals in: they are applied in order before anything is served
public sealed partial class FileSessionStore
{
    // at start, before anything is served: the journals a crash left, applied in order to the session files
    private void ReplayJournals()
    {
        var journals = System.IO.Directory.EnumerateFiles(Directory, JournalPrefix + "*" + JournalExtension)
            .Select(path => (Path: path, Number: long.TryParse(Path.GetFileNameWithoutExtension(path)[JournalPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1))
            .Where(j => j.Number >= 0)
            .OrderBy(j => j.Number)
            .ToList();
        if (journals.Count == 0)
        {
            return;
        }
        bool durable = Durability != FileDurability.OperatingSystem;
        // each session's last state over all the journals (null: ended), so each file is written once
        var last = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        int applied = 0;
        foreach (var (path, _) in journals)
        {
            applied += Replay(path, last);
        }
        foreach (var (name, record) in last)
        {
            var sessionPath = Path.Combine(Directory, name);
            if (record is null)
            {
                TryDelete(sessionPath);
            }
            else
            {
                WriteFile(sessionPath, record, durable);
            }
        }
        if (durable)
        {
            DirectorySync.Flush(Directory);
        }
        foreach (var (path, _) in journals)
        {
            TryDelete(path);
        }
        if (durable)
        {
            DirectorySync.Flush(Directory);
        }
        _journalNumber = journals[^1].Number;
        _logger.LogInformation("Replayed {Count} session changes from {Journals} journal(s) left by a crash", applied, journals.Count);
    }

    private int Replay(string journalPath, Dictionary<string, byte[]?> last)
    {
        var bytes = File.ReadAllBytes(journalPath);
        int offset = 0, applied = 0;
        Span<byte> checksum = stackalloc byte[8];
        while (offset < bytes.Length)
        {
            var rest = bytes.AsSpan(offset);
            if (rest.Length < HeaderLength + NameLength || !rest[13..HeaderLength].SequenceEqual("MSJ"u8)
                || BinaryPrimitives.ReadInt32LittleEndian(rest[8..]) is var payload && (payload < NameLength || payload > rest.Length - HeaderLength || payload > NameLength + MaxFileBytes)
                || !Checksum(rest[..(HeaderLength + payload)], checksum).SequenceEqual(rest[..8])
                || rest[12] is not (Written or Ended)
                || SessionFileName(rest.Slice(HeaderLength, NameLength)) is not { } name)
            {
                // only the end of a journal can be cut short (a power cut, a full disk); nothing after it is trusted
                _logger.LogWarning("Journal {File}: the last {Bytes} bytes are not a complete entry (a write cut short) and are ignored", Path.GetFileName(journalPath), rest.Length);
                break;
            }
            last[name] = rest[12] == Written ? rest.Slice(HeaderLength + NameLength, payload - NameLength).ToArray() : null;
            applied++;
            offset += HeaderLength + payload;
        }
        return applied;
    }

    private static string? SessionFileName(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return null;
            }
        }
        return Encoding.ASCII.GetString(name) + Extension;
    }
}
