namespace MongoSessions.Mongo.Auth;

/// <summary>
/// A string SASLprep refuses. The message names the rule, never the string or the offending character, because the
/// string is usually a password; callers turn it into a configuration or authentication error.
/// </summary>
internal sealed class SaslPrepException(string message) : ArgumentException(message);
