namespace MongoSessions;

/// <summary>
/// The store could not be reached or answered something that is not a valid reply: a network error, a timeout, no
/// suitable server within the server selection timeout, or a malformed message. The connection involved is discarded.
/// </summary>
public sealed class MongoSessConnectionException : MongoSessStoreUnavailableException
{
    /// <summary>Creates the exception.</summary>
    public MongoSessConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MongoSessConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
