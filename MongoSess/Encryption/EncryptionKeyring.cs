namespace MongoSessions;

/// <summary>
/// The keys that encrypt session data at rest (<see cref="MongoSessOptions.Encryption"/>), with AES-256-GCM. Data is
/// encrypted with the first key and decrypted with whichever key its id names, so keys rotate by putting a new key
/// first and removing the old one once no live session uses it (see README, "Encryption at rest").
/// </summary>
public sealed class EncryptionKeyring
{
    private readonly EncryptionKey[] _keys;

    /// <summary>Creates a keyring; the first key encrypts, all of them decrypt.</summary>
    /// <exception cref="ArgumentException">No key was given, or two keys have the same id.</exception>
    public EncryptionKeyring(params EncryptionKey[] keys)
        : this((IEnumerable<EncryptionKey>)keys)
    {
    }

    /// <summary>Creates a keyring; the first key encrypts, all of them decrypt.</summary>
    /// <exception cref="ArgumentException">No key was given, or two keys have the same id.</exception>
    public EncryptionKeyring(IEnumerable<EncryptionKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [.. keys];
        if (_keys.Length == 0)
        {
            throw new ArgumentException("An EncryptionKeyring needs at least one key; generate one with EncryptionKey.GenerateKey().", nameof(keys));
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in _keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            if (!ids.Add(key.Id))
            {
                throw new ArgumentException($"Two encryption keys have the id \"{key.Id}\"; every key needs its own id.", nameof(keys));
            }
        }
    }

    /// <summary>The number of keys.</summary>
    public int Count => _keys.Length;

    /// <summary>The id of the key that encrypts (the first).</summary>
    public string CurrentKeyId => _keys[0].Id;

    internal EncryptionKey Current => _keys[0];

    /// <summary>
    /// Reads a keyring from one line of configuration, such as an environment variable: comma-separated
    /// <c>id:key</c> pairs, the encrypting key first, e.g. <c>2026-11:Qm9v...,2026-05:c2Vj...</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty, a pair has no <c>:</c>, or a key or id is not valid.</exception>
    public static EncryptionKeyring Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new List<EncryptionKey>();
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                // the position, not the text, which holds key material
                throw new ArgumentException($"Encryption key #{keys.Count + 1} must be written id:key, for example 2026-11:<key>.", nameof(text));
            }
            keys.Add(new EncryptionKey(pair[..colon].Trim(), pair[(colon + 1)..]));
        }
        return new EncryptionKeyring(keys);
    }

    internal EncryptionKey? Find(string id)
    {
        foreach (var key in _keys)
        {
            if (key.Id == id)
            {
                return key;
            }
        }
        return null;
    }

    /// <summary>Describes the ring by key ids, never key values.</summary>
    public override string ToString() => $"EncryptionKeyring ({string.Join(", ", _keys.Select(k => k.Id))})";
}
