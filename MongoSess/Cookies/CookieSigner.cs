using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Cookies;

/// <summary>Signs and verifies cookie values of the form <c>&lt;id&gt;.&lt;base64url HMAC-SHA256 of the id&gt;</c>.</summary>
internal static class CookieSigner
{
    public const int SignatureLength = 43;

    /// <summary>The longest cookie value we could have issued; anything longer is rejected before any hashing.</summary>
    public const int ValueLength = SessionIdGenerator.IdLength + 1 + SignatureLength;

    public static string Sign(string id, Keyring keys)
    {
        Span<byte> idBytes = stackalloc byte[SessionIdGenerator.IdLength];
        int idLength = Encoding.ASCII.GetBytes(id, idBytes);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(keys.SigningKey, idBytes[..idLength], mac);
        Span<char> value = stackalloc char[ValueLength];
        id.AsSpan().CopyTo(value);
        value[id.Length] = '.';
        Base64Url.EncodeToChars(mac, value[(id.Length + 1)..]);
        return new string(value);
    }

    /// <summary>Verifies a cookie value against every key of the ring.</summary>
    /// <returns>The verification outcome; the id is only set when a key matched.</returns>
    public static CookieVerification Verify(ReadOnlySpan<char> value, Keyring keys)
    {
        if (value.Length != ValueLength || value[SessionIdGenerator.IdLength] != '.')
        {
            return CookieVerification.Invalid(CookieRejection.Malformed);
        }
        var id = value[..SessionIdGenerator.IdLength];
        if (!SessionIdGenerator.IsWellFormed(id))
        {
            return CookieVerification.Invalid(CookieRejection.Malformed);
        }
        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (Base64Url.DecodeFromChars(value[(SessionIdGenerator.IdLength + 1)..], presented, out _, out int written) != System.Buffers.OperationStatus.Done
            || written != presented.Length)
        {
            return CookieVerification.Invalid(CookieRejection.Malformed);
        }
        Span<byte> idBytes = stackalloc byte[SessionIdGenerator.IdLength];
        Encoding.ASCII.GetBytes(id, idBytes);
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var ring = keys.Keys;
        for (int i = 0; i < ring.Length; i++)
        {
            HMACSHA256.HashData(ring[i], idBytes, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, presented))
            {
                return CookieVerification.Valid(id.ToString(), signedWithCurrentKey: i == 0);
            }
        }
        return CookieVerification.Invalid(CookieRejection.BadSignature);
    }
}
