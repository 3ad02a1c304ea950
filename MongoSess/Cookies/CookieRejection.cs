namespace MongoSessions.Cookies;

/// <summary>Why a presented session cookie was not accepted.</summary>
internal enum CookieRejection
{
    None,
    Malformed,
    BadSignature,
}
