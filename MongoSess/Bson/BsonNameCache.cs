using System.Text;

namespace MongoSessions.Bson;

/// <summary>
/// The strings of element names the decoder has seen, so that a name like <c>expiresAt</c> or <c>data</c> is not
/// allocated again for every document read. Short ASCII names only; a slot holds one name and a collision replaces
/// it. Safe across threads: a slot only ever holds a complete, immutable string.
/// </summary>
internal static class BsonNameCache
{
    public const int MaxLength = 32;

    private const int Slots = 1024;

    private static readonly string?[] s_names = new string?[Slots];

    /// <summary>The name for these bytes, or null when they are not short ASCII (the caller decodes them itself).</summary>
    public static string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength || !Ascii.IsValid(utf8))
        {
            return null;
        }
        // FNV-1a over the bytes
        uint hash = 2166136261;
        foreach (byte b in utf8)
        {
            hash = (hash ^ b) * 16777619;
        }
        ref var slot = ref s_names[hash % Slots];
        var cached = Volatile.Read(ref slot);
        if (cached is not null && Ascii.Equals(utf8, cached))
        {
            return cached;
        }
        var name = Encoding.ASCII.GetString(utf8);
        Volatile.Write(ref slot, name);
        return name;
    }
}
