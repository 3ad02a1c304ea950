using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace MongoSessions.Cookies;

/// <summary>Session ids: 32 bytes from a cryptographic RNG, base64url without padding (OWASP: at least 64 bits of entropy).</summary>
internal static class SessionIdGenerator
{
    public const int IdBytes = 32;

    /// <summary>The length of an id in characters.</summary>
    public const int IdLength = 43;

    private static readonly SearchValues<char> s_base64UrlChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[IdBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>True when the text has the exact shape of an id we issue.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> id) => id.Length == IdLength && !id.ContainsAnyExcept(s_base64UrlChars);
}
