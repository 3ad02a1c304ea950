namespace MongoSessions.Cookies;

/// <summary>
/// How one request's session token travels: in a cookie (<see cref="RequestCookies"/>, for browsers) or in an
/// <c>Authorization: Bearer</c> header (<see cref="BearerTokenTransport"/>, for APIs, apps and tools). The session
/// logic is the same for both; only reading the token and handing a new one out differ.
/// </summary>
internal interface ISessionTransport
{
    /// <summary>The session token the request carries, verified against the keyring, or null.</summary>
    string? VerifiedToken { get; }

    /// <summary>True when the verified token was signed by an older key and should be handed out again.</summary>
    bool SignedWithOldKey { get; }

    /// <summary>True when the client holds a token: it sent one, or this response gave it one.</summary>
    bool BrowserHasCookie { get; }

    /// <summary>True when it is too late to hand a new token out (a cookie after the response headers went).</summary>
    bool HeadersSent { get; }

    /// <summary>The sessionless CSRF token the browser presented, or null (never for a bearer token).</summary>
    string? SessionlessCsrfToken { get; }

    /// <summary>
    /// Hands the (new or refreshed) token out, with the session's expiry; skips it when the client already holds exactly
    /// what it would get (the same token under the current key, without a lifetime to move), unless
    /// <paramref name="kindChanged"/> says its kind or lifetime changed.
    /// </summary>
    void WriteSession(string token, DateTimeOffset expiresAt, bool browserSession, bool ownLifetime, DateTimeOffset now, bool kindChanged);

    /// <summary>
    /// The cookie's fixed lifetime (<see cref="SessionCookieOptions.MaxAge"/>) when the options set one, so that a
    /// cookie sent now expires that long from now whatever the session's expiry; null otherwise (a bearer token, a
    /// browser-session cookie, or a cookie that follows the session's expiry).
    /// </summary>
    TimeSpan? FixedLifetime { get; }

    /// <summary>Tells the client to drop its token.</summary>
    void WriteDeletion();

    /// <summary>The CSRF token of a client without a session (cookies only).</summary>
    string IssueSessionlessCsrfToken(DateTimeOffset now);
}
