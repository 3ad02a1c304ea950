using System.Buffers.Text;
using System.Security.Cryptography;

namespace MongoSessions;

/// <summary>
/// One AES-256 key for encrypting session data at rest, with the id stored next to every value it encrypts so that
/// keys can rotate (see <see cref="EncryptionKeyring"/>).
/// </summary>
public sealed class EncryptionKey
{
    /// <summary>The longest key id, in characters.</summary>
    public const int MaximumIdLength = 64;

    private readonly byte[] _key;

    /// <summary>Creates a key.</summary>
    /// <param name="id">
    /// A short name for the key, stored with each encrypted session, for example <c>2026-11</c>: 1 to 64 letters, digits,
    /// <c>-</c>, <c>_</c> or <c>.</c>. Never reuse an id for another key.
    /// </param>
    /// <param name="key">32 random bytes, base64 or base64url-encoded, for example from <see cref="GenerateKey"/>.</param>
    /// <exception cref="ArgumentException">The id is not valid, or the key is not 32 bytes in base64.</exception>
    public EncryptionKey(string id, string key)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(key);
        if (id.Length is 0 or > MaximumIdLength || !id.All(IsIdChar))
        {
            throw new ArgumentException(
                $"An encryption key id must be 1 to {MaximumIdLength} letters, digits, '-', '_' or '.', for example \"2026-11\".", nameof(id));
        }
        // the message names the key by its id only, never by its value
        _key = Decode(key) ?? throw new ArgumentException(
            $"Encryption key \"{id}\" must be 32 bytes in base64 or base64url (43 or 44 characters); generate one with EncryptionKey.GenerateKey().",
            nameof(key));
        Id = id;
    }

    /// <summary>The key's id, stored in the clear with each value it encrypts.</summary>
    public string Id { get; }

    internal byte[] Bytes => _key;

    /// <summary>Returns a new random key: 32 bytes from a cryptographic random generator, base64url-encoded (43 characters).</summary>
    public static string GenerateKey()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Describes the key by its id, never its value.</summary>
    public override string ToString() => $"EncryptionKey {Id}";

    internal static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static byte[]? Decode(string key)
    {
        var text = key.Trim();
        Span<byte> bytes = stackalloc byte[48];
        if (Base64Url.IsValid(text) && Base64Url.TryDecodeFromChars(text, bytes, out int written) && written == 32)
        {
            return bytes[..32].ToArray();
        }
        if (Convert.TryFromBase64String(text, bytes, out written) && written == 32)
        {
            return bytes[..32].ToArray();
        }
        return null;
    }
}
