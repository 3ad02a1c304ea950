using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MongoSessions;

/// <summary>
/// The secrets that sign session cookies. New cookies are signed with the first secret; a cookie signed with
/// any secret in the ring is accepted and re-issued signed with the first, so secrets can be rotated by putting
/// the new one first and dropping the oldest later.
/// </summary>
public sealed class Keyring
{
    /// <summary>The smallest secret accepted, in bytes of its UTF-8 encoding.</summary>
    public const int MinimumSecretBytes = 32;

    private readonly byte[][] _keys;

    /// <summary>Creates a keyring; the first secret signs, all of them verify.</summary>
    /// <param name="secrets">At least one secret of at least 32 bytes, for example from <see cref="GenerateSecret"/>.</param>
    /// <exception cref="ArgumentException">No secret was given, or one is shorter than 32 bytes.</exception>
    public Keyring(params string[] secrets)
        : this((IEnumerable<string>)secrets)
    {
    }

    /// <summary>Creates a keyring; the first secret signs, all of them verify.</summary>
    /// <param name="secrets">At least one secret of at least 32 bytes, for example from <see cref="GenerateSecret"/>.</param>
    /// <exception cref="ArgumentException">No secret was given, or one is shorter than 32 bytes.</exception>
    public Keyring(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var keys = new List<byte[]>();
        foreach (var secret in secrets)
        {
            // the message never contains the secret itself, only its position and size
            if (secret is null || Encoding.UTF8.GetByteCount(secret) < MinimumSecretBytes)
            {
                throw new ArgumentException(
                    $"Keyring secret #{keys.Count + 1} is shorter than {MinimumSecretBytes} bytes; generate one with Keyring.GenerateSecret() " +
                    "and keep it in your configuration (for example an environment variable).",
                    nameof(secrets));
            }
            keys.Add(Encoding.UTF8.GetBytes(secret));
        }
        if (keys.Count == 0)
        {
            throw new ArgumentException("A Keyring needs at least one secret; generate one with Keyring.GenerateSecret().", nameof(secrets));
        }
        _keys = [.. keys];
    }

    /// <summary>The number of secrets in the ring.</summary>
    public int Count => _keys.Length;

    internal ReadOnlySpan<byte> SigningKey => _keys[0];

    internal byte[][] Keys => _keys;

    /// <summary>Returns a new random secret: 32 bytes from a cryptographic random generator, base64url-encoded (43 characters).</summary>
    public static string GenerateSecret()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Describes the ring without revealing any secret.</summary>
    public override string ToString() => $"Keyring ({_keys.Length} secret{(_keys.Length == 1 ? "" : "s")})";
}
