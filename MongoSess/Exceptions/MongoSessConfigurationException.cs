namespace MongoSessions;

/// <summary>An invalid connection string or option. The message names the problem and never contains a password.</summary>
public sealed class MongoSessConfigurationException : MongoSessException
{
    /// <summary>Creates the exception.</summary>
    public MongoSessConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MongoSessConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
