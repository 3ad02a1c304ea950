namespace MongoSessions;

/// <summary>
/// The request's session cookie was replaced moments ago: a regeneration (typically a login, in another tab or in a
/// request that finished first) gave the session a new token, and this request still carries the old one. The old
/// token opens nothing, so the request sees no session; rather than start a new session whose cookie would overwrite
/// the login's, a write that would start one, or <see cref="MongoSess.EndAsync(CancellationToken)"/>, throws this and changes nothing. Answer 409 (or redirect to the same page): the browser's next request carries the new
/// cookie. Thrown only within <see cref="MongoSess.ReplacedTokenGrace"/> of the regeneration; later, the old cookie is
/// treated like any ended session's.
/// </summary>
public sealed class MongoSessSessionReplacedException : MongoSessException
{
    /// <summary>Creates the exception.</summary>
    public MongoSessSessionReplacedException(string message)
        : base(message)
    {
    }
}
