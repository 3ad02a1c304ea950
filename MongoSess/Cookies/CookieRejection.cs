namespace MongoSessions.Cookies;

/// <summary>Why a presented session cookie was not accepted.</summary>
internal enum CookieRejection
{
    None,
    Malformed,
    BadSignature,

    /// <summary>Two or more different values verified: a cookie tossed in beside the real one; none is used.</summary>
    Ambiguous,
}
