namespace MongoSessions;

/// <summary>
/// When <see cref="FileSessionStore"/> forces its writes to the disk (as Redis's <c>appendfsync</c>). Every write
/// replaces its file atomically (a temporary file, then a rename) whatever the choice, so a crash of the process never
/// leaves a torn session and never loses an acknowledged write; the choice is what a power cut or a kernel crash may
/// take back.
/// </summary>
public enum FileDurability
{
    /// <summary>
    /// The default: the files written in the last second are forced to the disk once a second, in the background. A
    /// power cut loses at most the writes of about the last second (a session then reads as it was, or as absent).
    /// </summary>
    EverySecond,

    /// <summary>
    /// Every write forces the file and its directory to the disk before it is acknowledged: nothing acknowledged is
    /// lost even to a power cut, at a cost of a few milliseconds of latency per write (about 1,500 writes a second on
    /// the machine the performance doc describes).
    /// </summary>
    EveryWrite,

    /// <summary>Never forces anything: the operating system writes the files back when it chooses (about 30 s on Linux).</summary>
    OperatingSystem,
}
