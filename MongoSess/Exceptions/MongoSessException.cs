namespace MongoSessions;

/// <summary>The base of MongoSess's own errors: a store that failed, or data it could not read.</summary>
public class MongoSessException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public MongoSessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public MongoSessException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
