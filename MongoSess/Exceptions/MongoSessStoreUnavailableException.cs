namespace MongoSessions;

/// <summary>
/// The session store cannot carry out operations for now: a MongoDB server that cannot be reached
/// (<see cref="MongoSessConnectionException"/>), or a disk that is full, read-only or not writable by this process. The
/// request was fine: answer 503 and let the client retry; nothing acknowledged was lost, and the store recovers by
/// itself when the cause goes away. The message names the cause, never session data.
/// </summary>
public class MongoSessStoreUnavailableException : MongoSessException
{
    /// <summary>Creates the exception.</summary>
    public MongoSessStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MongoSessStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
