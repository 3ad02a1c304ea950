using System.Security.Cryptography;

namespace MongoSessions.Cookies;

/// <summary>
/// HMAC-SHA256 with a keyed instance kept per thread and per key. HMACSHA256.HashData sets up a new native context on
/// every call; a reused instance only resets it, which halves the cost of signing and verifying a cookie. Instances
/// are not thread-safe, hence one per thread; the key arrays come from an immutable <see cref="Keyring"/>, so the
/// array reference identifies the key.
/// </summary>
internal static class PerThreadHmac
{
    // a keyring has one to a few keys; more than this just makes the oldest entry give way
    private const int Capacity = 4;

    [ThreadStatic]
    private static Entry[]? t_entries;

    [ThreadStatic]
    private static int t_next;

    public static void Compute(byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        var entries = t_entries ??= new Entry[Capacity];
        HMACSHA256? hmac = null;
        for (int i = 0; i < entries.Length; i++)
        {
            if (ReferenceEquals(entries[i].Key, key))
            {
                hmac = entries[i].Hmac;
                break;
            }
        }
        if (hmac is null)
        {
            hmac = new HMACSHA256(key);
            ref var slot = ref entries[t_next];
            slot.Hmac?.Dispose();
            slot = new Entry(key, hmac);
            t_next = (t_next + 1) % Capacity;
        }
        if (!hmac.TryComputeHash(data, mac, out int written) || written != HMACSHA256.HashSizeInBytes)
        {
            throw new CryptographicException("HMAC-SHA256 did not produce a 32-byte MAC.");
        }
    }

    private record struct Entry(byte[]? Key, HMACSHA256? Hmac);
}
