namespace MongoSessions;

/// <summary>
/// When <see cref="FileSessionStore"/> forces its writes to the disk (as Redis's <c>appendfsync</c>). Whatever the
/// choice, a write is acknowledged once it is appended to the store's journal (in the operating system's cache), so a
/// crash of the process never loses an acknowledged write, and session files are only ever replaced atomically (a
/// temporary file, then a rename), so none is torn; the choice is what a power cut or a kernel crash may take back.
/// </summary>
public enum FileDurability
{
    /// <summary>
    /// The default: about once a second, in the background, a checkpoint writes the sessions changed since the last
    /// one into their files and forces them to the disk. A power cut loses at most the writes of about the last second
    /// (a session then reads as it was, or as absent).
    /// </summary>
    EverySecond,

    /// <summary>
    /// Every write forces the journal to the disk before it is acknowledged (one <c>fsync</c>, shared by the writes
    /// that arrive while it runs): nothing acknowledged is lost even to a power cut, at the cost of the disk's flush
    /// latency on every write.
    /// </summary>
    EveryWrite,

    /// <summary>
    /// Never forces anything: checkpoints still run once a second, and the operating system writes the files back
    /// when it chooses (about 30 s on Linux).
    /// </summary>
    OperatingSystem,
}
