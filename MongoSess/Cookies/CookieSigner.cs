using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Cookies;

/// <summary>Signs and verifies cookie values of the form <c>&lt;token&gt;.&lt;base64url HMAC-SHA256 of the token&gt;</c>.</summary>
internal static class CookieSigner
{
    public const int SignatureLength = 43;

    /// <summary>The longest cookie value we could have issued; anything longer is rejected before any hashing.</summary>
    public const int ValueLength = SessionToken.Length + 1 + SignatureLength;

    public static string Sign(string id, Keyring keys)
    {
        Span<char> value = stackalloc char[ValueLength];
        return new string(value[..Sign(id, keys, value)]);
    }

    /// <summary>Writes the signed value of <paramref name="id"/> to <paramref name="destination"/>, which has room for <see cref="ValueLength"/> characters.</summary>
    /// <returns>The number of characters written.</returns>
    public static int Sign(string id, Keyring keys, Span<char> destination)
    {
        Span<byte> idBytes = stackalloc byte[SessionToken.Length];
        int idLength = Encoding.ASCII.GetBytes(id, idBytes);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        PerThreadHmac.Compute(keys.Keys[0], idBytes[..idLength], mac);
        return Write(id, mac, destination);
    }

    /// <summary>Writes <paramref name="id"/> with a MAC already computed (or verified) for it under the ring's first key.</summary>
    /// <returns>The number of characters written.</returns>
    public static int Write(string id, ReadOnlySpan<byte> mac, Span<char> destination)
    {
        id.AsSpan().CopyTo(destination);
        destination[id.Length] = '.';
        return id.Length + 1 + Base64Url.EncodeToChars(mac, destination[(id.Length + 1)..]);
    }

    /// <summary>Verifies a cookie value against every key of the ring.</summary>
    /// <returns>The verification outcome; the id is only set when a key matched.</returns>
    public static CookieVerification Verify(ReadOnlySpan<char> value, Keyring keys) => Verify(value, keys, stackalloc byte[HMACSHA256.HashSizeInBytes]);

    /// <summary>Verifies a cookie value against every key of the ring, and leaves its MAC in <paramref name="mac"/> (32 bytes).</summary>
    /// <returns>The verification outcome; the id is only set when a key matched, and only then does the MAC mean anything.</returns>
    public static CookieVerification Verify(ReadOnlySpan<char> value, Keyring keys, Span<byte> mac)
    {
        if (value.Length != ValueLength || value[SessionToken.Length] != '.')
        {
            return CookieVerification.Invalid(CookieRejection.Malformed);
        }
        var id = value[..SessionToken.Length];
        if (!SessionToken.IsWellFormed(id))
        {
            return CookieVerification.Invalid(CookieRejection.Malformed);
        }
        var presented = mac[..HMACSHA256.HashSizeInBytes];
        if (Base64Url.DecodeFromChars(value[(SessionToken.Length + 1)..], presented, out _, out int written) != System.Buffers.OperationStatus.Done
            || written != presented.Length)
        {
            return CookieVerification.Invalid(CookieRejection.Malformed);
        }
        Span<byte> idBytes = stackalloc byte[SessionToken.Length];
        Encoding.ASCII.GetBytes(id, idBytes);
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var ring = keys.Keys;
        for (int i = 0; i < ring.Length; i++)
        {
            PerThreadHmac.Compute(ring[i], idBytes, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, presented))
            {
                return CookieVerification.Valid(id.ToString(), signedWithCurrentKey: i == 0);
            }
        }
        return CookieVerification.Invalid(CookieRejection.BadSignature);
    }
}
