namespace MongoSessions;

/// <summary>When the session cookie carries the <c>Secure</c> attribute.</summary>
public enum CookieSecurePolicy
{
    /// <summary>When the request came over HTTPS. The default.</summary>
    Auto,

    /// <summary>Always; the browser then only sends the cookie over HTTPS.</summary>
    Always,

    /// <summary>Never (not recommended outside local development).</summary>
    Never,
}
