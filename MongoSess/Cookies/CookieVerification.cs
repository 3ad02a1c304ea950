namespace MongoSessions.Cookies;

/// <summary>The outcome of checking one cookie value.</summary>
internal readonly record struct CookieVerification(string? Id, bool SignedWithCurrentKey, CookieRejection Rejection)
{
    public bool IsValid => Id is not null;

    public static CookieVerification Valid(string id, bool signedWithCurrentKey) => new(id, signedWithCurrentKey, CookieRejection.None);

    public static CookieVerification Invalid(CookieRejection reason) => new(null, false, reason);
}
