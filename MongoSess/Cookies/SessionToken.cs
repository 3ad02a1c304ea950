using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Cookies;

/// <summary>
/// Session tokens, the secret a session cookie carries: 48 bytes from a cryptographic RNG, base64url without padding
/// (64 characters). The first 20 characters are the session's key, the record's <c>_id</c> in the store, which stays the
/// same for the session's whole life and opens nothing by itself; the other 44 (264 random bits) change at every
/// regeneration. A store keeps only <see cref="Hash"/> of the token, so nothing at rest can be presented as a cookie.
/// </summary>
internal static class SessionToken
{
    private const int Bytes = 48;

    /// <summary>The length of a token in characters.</summary>
    public const int Length = 64;

    /// <summary>The length of a session key in characters (15 bytes, 120 random bits).</summary>
    public const int KeyLength = 20;

    private static readonly SearchValues<char> s_base64UrlChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>A new random token (for a new session, or any other unguessable value such as a CSRF token).</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[Bytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>A new token for the session with this key: the same key, a new secret (regeneration).</summary>
    public static string NewFor(string key)
    {
        var fresh = New();
        return string.Concat(key.AsSpan(), fresh.AsSpan(KeyLength));
    }

    /// <summary>The session key a token names.</summary>
    public static string KeyOf(string token) => token[..KeyLength];

    /// <summary>
    /// What a store keeps of a token: its SHA-256, base64url (43 characters). Tokens are 384 random bits, so a plain
    /// hash cannot be reversed or guessed, and nothing that reads the store can rebuild a cookie from it.
    /// </summary>
    public static string Hash(string token)
    {
        Span<byte> ascii = stackalloc byte[Length];
        int written = Encoding.ASCII.GetBytes(token, ascii);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii[..written], hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>True when the text has the exact shape of a token we issue.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> token) => token.Length == Length && !token.ContainsAnyExcept(s_base64UrlChars);
}
