using System.Net;

namespace MongoSessions.Cookies;

/// <summary>
/// The session token in an <c>Authorization: Bearer &lt;token&gt;</c> header, signed exactly as the cookie is. Nothing
/// is written to the response: a new or re-signed token is left in <see cref="IssuedToken"/> for the application to
/// hand to its client (in a response body, say).
/// </summary>
internal sealed class BearerTokenTransport : PresentedToken, ISessionTransport
{
    private const string Scheme = "Bearer ";

    private readonly HttpListenerRequest _request;
    private readonly Keyring _keys;

    public BearerTokenTransport(HttpListenerRequest request, Keyring keys)
    {
        _request = request;
        _keys = keys;
    }

    /// <summary>The signed token this request gave the session (created, regenerated or re-signed), or null.</summary>
    public string? IssuedToken { get; private set; }

    public bool BrowserHasCookie => Presented || IssuedToken is not null;

    // the token goes out in the body, whenever the application writes it
    public bool HeadersSent => false;

    public string? SessionlessCsrfToken => null;

    public TimeSpan? FixedLifetime => null;

    // a bearer token carries no lifetime: only a new token, or one signed with an older key, is handed out again
    public void WriteSession(string token, DateTimeOffset expiresAt, bool browserSession, bool ownLifetime, DateTimeOffset now, bool kindChanged)
    {
        if (token != VerifiedToken || SignedWithOldKey)
        {
            IssuedToken = CookieSigner.Sign(token, _keys);
            Resigned();
        }
    }

    // a client drops a bearer token when the application tells it the session ended
    public void WriteDeletion() => IssuedToken = null;

    public string IssueSessionlessCsrfToken(DateTimeOffset now) => throw new InvalidOperationException(
        "CSRF tokens protect cookie sessions, which browsers send by themselves; a bearer token is sent only by code that holds it and needs none.");

    protected override (string? Token, bool SignedWithOldKey, bool Presented) Read()
    {
        var header = _request.Headers["Authorization"];
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, false, false);
        }
        var verification = CookieSigner.Verify(header.AsSpan(Scheme.Length).Trim(), _keys);
        if (!verification.IsValid)
        {
            CookieMetrics.Rejected(verification.Rejection);
            return (null, false, true);
        }
        return (verification.Id, !verification.SignedWithCurrentKey, true);
    }
}
