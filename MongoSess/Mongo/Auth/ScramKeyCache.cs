using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Mongo.Auth;

/// <summary>
/// Derived SCRAM keys by mechanism, password, salt and iteration count (auth spec, "Caching credentials in SCRAM"), so
/// every new pooled connection does not pay PBKDF2 again. Thread-safe; holds at most a fixed number of entries and
/// forgets the oldest first. The password is kept only as a keyed hash.
/// </summary>
internal sealed class ScramKeyCache
{
    public const int DefaultCapacity = 64;

    public static readonly ScramKeyCache Shared = new(DefaultCapacity);

    private readonly int _capacity;
    private readonly Lock _lock = new();
    private readonly Dictionary<CacheKey, ScramKeys> _entries = [];
    private readonly Queue<CacheKey> _insertionOrder = new();
    private readonly byte[] _passwordHashKey = RandomNumberGenerator.GetBytes(32);
    private int _derivations;

    public ScramKeyCache(int capacity) => _capacity = capacity;

    /// <summary>How many times a key derivation (PBKDF2) ran because the cache had no entry.</summary>
    public int DerivationCount => Volatile.Read(ref _derivations);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public ScramKeys GetOrDerive(ScramMechanism mechanism, string preparedPassword, byte[] salt, int iterations)
    {
        string passwordHash = Convert.ToBase64String(HMACSHA256.HashData(_passwordHashKey, Encoding.UTF8.GetBytes(preparedPassword)));
        var key = new CacheKey(mechanism.Name, passwordHash, Convert.ToBase64String(salt), iterations);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        // derive outside the lock: PBKDF2 is slow on purpose, and two connections deriving the same keys at once is harmless
        Interlocked.Increment(ref _derivations);
        byte[] saltedPassword = mechanism.Hi(preparedPassword, salt, iterations);
        var keys = new ScramKeys(
            mechanism.Hmac(saltedPassword, "Client Key"u8.ToArray()),
            mechanism.Hmac(saltedPassword, "Server Key"u8.ToArray()));
        CryptographicOperations.ZeroMemory(saltedPassword);

        lock (_lock)
        {
            if (_entries.TryAdd(key, keys))
            {
                _insertionOrder.Enqueue(key);
                while (_entries.Count > _capacity)
                {
                    _entries.Remove(_insertionOrder.Dequeue());
                }
            }
            return _entries[key];
        }
    }

    private readonly record struct CacheKey(string Mechanism, string PasswordHash, string Salt, int Iterations);
}
