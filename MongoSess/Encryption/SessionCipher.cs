using System.Security.Cryptography;
using System.Text;
using MongoDB.Bson;
using MongoSessions.Values;

namespace MongoSessions.Encryption;

/// <summary>
/// Encrypts a session's data and flash entries with AES-256-GCM into one binary value:
/// <c>[2][key id length][key id][12-byte nonce][16-byte tag][ciphertext]</c>. The header, the session id and the
/// record version the value is written at are authenticated too, so a value cannot be moved to another session,
/// relabelled with another key id, or put back over a later write of the same session (rollback).
/// </summary>
internal sealed class SessionCipher(EncryptionKeyring keys)
{
    // format 1 (before the version was authenticated) is no longer read: it could be replayed over later writes
    private const byte Format = 2;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public EncryptionKeyring Keys { get; } = keys;

    // version: the record version this value will be stored at (the compare-and-swap's next version)
    public byte[] Encrypt(string sessionId, long version, SessionData data, SessionData flash)
    {
        var plain = new BsonDocument().Add("d", data.Document);
        if (flash.Count > 0)
        {
            plain.Add("f", flash.Document);
        }
        var plaintext = plain.ToBson();
        var key = Keys.Current;
        int headerLength = 2 + key.Id.Length;
        var sealedValue = new byte[headerLength + NonceBytes + TagBytes + plaintext.Length];
        sealedValue[0] = Format;
        sealedValue[1] = (byte)key.Id.Length;
        Encoding.ASCII.GetBytes(key.Id, sealedValue.AsSpan(2));
        var nonce = sealedValue.AsSpan(headerLength, NonceBytes);
        // random nonces: at most 2^32 encryptions per key (NIST SP 800-38D), far beyond a key's useful life here
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Bytes, TagBytes);
        aes.Encrypt(
            nonce, plaintext, sealedValue.AsSpan(headerLength + NonceBytes + TagBytes), sealedValue.AsSpan(headerLength + NonceBytes, TagBytes),
            AssociatedData(sealedValue.AsSpan(0, headerLength), sessionId, version));
        CryptographicOperations.ZeroMemory(plaintext);
        return sealedValue;
    }

    /// <summary>The key id a value names, or null when it is not a value this class wrote.</summary>
    public static string? KeyIdOf(ReadOnlySpan<byte> sealedValue) =>
        sealedValue.Length >= 2 && sealedValue[0] == Format && sealedValue.Length >= 2 + sealedValue[1] + NonceBytes + TagBytes
            ? Encoding.ASCII.GetString(sealedValue.Slice(2, sealedValue[1]))
            : null;

    /// <summary>Decrypts a value, saying whether the current key sealed it; on failure returns null and why (never anything secret).</summary>
    public (SessionData Data, SessionData Flash, bool UnderCurrentKey)? Decrypt(string sessionId, long version, ReadOnlySpan<byte> sealedValue, out string? failure)
    {
        var keyId = KeyIdOf(sealedValue);
        if (keyId is null)
        {
            failure = "the encrypted data is malformed";
            return null;
        }
        var key = Keys.Find(keyId);
        if (key is null)
        {
            failure = $"it was encrypted with key \"{keyId}\", which is not in the keyring";
            return null;
        }
        int headerLength = 2 + keyId.Length;
        var ciphertext = sealedValue[(headerLength + NonceBytes + TagBytes)..];
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key.Bytes, TagBytes);
            aes.Decrypt(
                sealedValue.Slice(headerLength, NonceBytes), ciphertext, sealedValue.Slice(headerLength + NonceBytes, TagBytes), plaintext,
                AssociatedData(sealedValue[..headerLength], sessionId, version));
            var document = BsonBytes.ReadDocument(plaintext);
            if (document.GetValue("d", null) is not BsonDocument data)
            {
                failure = "the decrypted data is not a session";
                return null;
            }
            failure = null;
            return (new SessionData(data), new SessionData(document.GetValue("f", null) as BsonDocument ?? new BsonDocument()), ReferenceEquals(key, Keys.Current));
        }
        catch (AuthenticationTagMismatchException)
        {
            failure = $"it does not decrypt with key \"{keyId}\" (altered, or moved from another session)";
            return null;
        }
        catch (FormatException)
        {
            failure = "the decrypted data is not valid BSON";
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string sessionId, long version)
    {
        int idLength = Encoding.UTF8.GetByteCount(sessionId);
        var associated = new byte[header.Length + idLength + sizeof(long)];
        header.CopyTo(associated);
        Encoding.UTF8.GetBytes(sessionId, associated.AsSpan(header.Length));
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(associated.AsSpan(header.Length + idLength), version);
        return associated;
    }
}
