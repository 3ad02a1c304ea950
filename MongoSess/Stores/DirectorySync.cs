using System.Runtime.InteropServices;

namespace MongoSessions;

/// <summary>
/// Flushes a directory's entries to disk (fsync on the directory), which makes a completed rename durable on Linux
/// and macOS. .NET has no API for it, since it cannot open a directory as a stream. On Windows a rename is
/// journalled by NTFS and there is nothing to do.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    private static long s_flushes;

    /// <summary>How many directory flushes have completed in this process (the tests check that writes flush).</summary>
    internal static long Flushes => Interlocked.Read(ref s_flushes);

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        int descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"The session directory {directory} could not be opened to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"The session directory {directory} could not be flushed to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
        Interlocked.Increment(ref s_flushes);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
