using MongoSessions.Cookies;

namespace MongoSessions.Tests.Support;

/// <summary>
/// Session tokens as tests need them. A cookie carries a token; the store knows the session by the token's key and
/// keeps only the token's hash. Store-level tests that never send a cookie use any string as the key and
/// <see cref="HashOf"/> of it as the hash.
/// </summary>
internal static class TestTokens
{
    /// <summary>A new token, shaped as a cookie carries it.</summary>
    public static string New() => SessionToken.New();

    /// <summary>The session key a token names (the store's <c>_id</c>).</summary>
    public static string KeyOf(string token) => SessionToken.KeyOf(token);

    /// <summary>The hash a store keeps for a token (or, in store-level tests, for a key used as its own token).</summary>
    public static string HashOf(string token) => SessionToken.Hash(token);

    /// <summary>The update a request with this token's cookie would send.</summary>
    public static SessionUpdate Update(string token, IReadOnlyList<SessionOperation> operations, DateTimeOffset now, DateTimeOffset? expiresAt, bool createIfMissing) =>
        new(KeyOf(token), HashOf(token), operations, now, expiresAt, createIfMissing);
}
