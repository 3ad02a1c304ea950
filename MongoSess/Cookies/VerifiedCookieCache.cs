using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MongoSessions.Cookies;

/// <summary>
/// The cookie values one <see cref="Keyring"/> verified recently, so that a browser sending the same signed cookie
/// request after request pays one HMAC for it, not one per request. Verification is a pure function of the value and
/// the keyring (which never changes), so a hit returns exactly what a new verification would: the id, whether the
/// current key signed it, and its MAC (for re-issuing the cookie without an HMAC).
/// </summary>
/// <remarks>
/// Direct-mapped: a slot per hash of the value, the newest value taking the slot; a miss costs one lookup more than no
/// cache. The hash is the runtime's randomized string hash, so nobody outside can aim values at one slot, and the
/// stored value is compared in constant time, so a near-miss tells an attacker nothing about a valid cookie. Only
/// valid values are kept: an invalid one is verified (and rejected) every time. At most <see cref="Capacity"/> entries
/// of about 300 bytes each.
/// </remarks>
internal sealed class VerifiedCookieCache
{
    public const int Capacity = 1024;

    private readonly Entry?[] _slots = new Entry?[Capacity];

    /// <summary>The cached verification of <paramref name="value"/>, with its MAC copied to <paramref name="mac"/>; false when not cached.</summary>
    public bool TryGet(ReadOnlySpan<char> value, Span<byte> mac, out string id, out bool signedWithCurrentKey)
    {
        var entry = Volatile.Read(ref _slots[SlotOf(value)]);
        if (entry is not null
            && entry.Value.Length == value.Length
            && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(entry.Value.AsSpan()), MemoryMarshal.AsBytes(value)))
        {
            entry.Mac.CopyTo(mac);
            (id, signedWithCurrentKey) = (entry.Id, entry.SignedWithCurrentKey);
            return true;
        }
        (id, signedWithCurrentKey) = (null!, false);
        return false;
    }

    /// <summary>Remembers a value that verified; entries are immutable, so readers on other threads see a whole one or the one before.</summary>
    public void Add(ReadOnlySpan<char> value, ReadOnlySpan<byte> mac, string id, bool signedWithCurrentKey) =>
        Volatile.Write(ref _slots[SlotOf(value)], new Entry(value.ToString(), id, signedWithCurrentKey, mac.ToArray()));

    private static int SlotOf(ReadOnlySpan<char> value) => string.GetHashCode(value) & (Capacity - 1);

    private sealed record Entry(string Value, string Id, bool SignedWithCurrentKey, byte[] Mac);
}
