namespace MongoSessions;

/// <summary>The server refused the credentials, or could not prove that it knows them (SCRAM server signature).</summary>
public sealed class MongoSessAuthenticationException : MongoSessException
{
    /// <summary>Creates the exception.</summary>
    public MongoSessAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MongoSessAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
