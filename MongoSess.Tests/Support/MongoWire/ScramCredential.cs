using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// What mongod stores for a SCRAM user (RFC 5802 section 3): salt, iteration count, StoredKey = H(ClientKey) and
/// ServerKey, never the password. SCRAM-SHA-1 salts MongoDB's digest hex(MD5("user:mongo:password")); SCRAM-SHA-256
/// salts the SASLprep'd password (RFC 7677).
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
            : SaslPrep(password);
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

    // the test server's SASLprep (RFC 4013) is an approximation: non-ASCII spaces become spaces, soft hyphens and
    // zero-width characters vanish, and the result is NFKC-normalized; ASCII passwords pass unchanged, as in the RFC
    private static string SaslPrep(string password)
    {
        var text = new StringBuilder(password.Length);
        foreach (char c in password)
        {
            if (c is '\u00AD' or '\u200B' or '\u2060' or '\uFEFF' or '\u180B' or '\u180C' or '\u180D' or '\u034F')
            {
                continue;
            }
            text.Append(c is '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F' or '\u3000' ? ' ' : c);
        }
        return text.ToString().Normalize(NormalizationForm.FormKC);
    }
}
