using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// What mongod stores for a SCRAM user (RFC 5802 section 3): salt, iteration count, StoredKey = H(ClientKey) and
/// ServerKey, never the password. SCRAM-SHA-1 salts MongoDB's digest hex(MD5("user:mongo:password")); SCRAM-SHA-256
/// salts the SASLprep'd password (RFC 7677), which for the tests' ASCII passwords is the password itself.
/// </summary>
internal sealed record ScramCredential(string Mechanism, byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    // mongod's defaults for scramIterationCount and scramSHA256IterationCount
    private const int Sha1Iterations = 10_000;
    private const int Sha256Iterations = 15_000;

    public HashAlgorithmName Hash => HashOf(Mechanism);

    public static ScramCredential Create(string mechanism, string username, string password)
    {
        var hash = HashOf(mechanism);
        bool sha1 = hash == HashAlgorithmName.SHA1;
        string secret = sha1
            ? Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{username}:mongo:{password}")))
            : password;
        var salt = RandomNumberGenerator.GetBytes(sha1 ? 16 : 28);
        int iterations = sha1 ? Sha1Iterations : Sha256Iterations;
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, hash, sha1 ? 20 : 32);
        var clientKey = Hmac(hash, salted, "Client Key");
        return new ScramCredential(mechanism, salt, iterations, HashData(hash, clientKey), Hmac(hash, salted, "Server Key"));
    }

    public static byte[] Hmac(HashAlgorithmName hash, byte[] key, string text) => Hmac(hash, key, Encoding.UTF8.GetBytes(text));

    public static byte[] Hmac(HashAlgorithmName hash, byte[] key, byte[] data) =>
        hash == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);

    public static byte[] HashData(HashAlgorithmName hash, byte[] data) =>
        hash == HashAlgorithmName.SHA1 ? SHA1.HashData(data) : SHA256.HashData(data);

    private static HashAlgorithmName HashOf(string mechanism) => mechanism switch
    {
        MongoWireUser.ScramSha1 => HashAlgorithmName.SHA1,
        MongoWireUser.ScramSha256 => HashAlgorithmName.SHA256,
        _ => throw new ArgumentException($"Unknown SCRAM mechanism '{mechanism}'.", nameof(mechanism)),
    };
}
