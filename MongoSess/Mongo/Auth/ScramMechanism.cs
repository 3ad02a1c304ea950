using System.Security.Cryptography;
using System.Text;
using MongoSessions.Bson;

namespace MongoSessions.Mongo.Auth;

/// <summary>
/// A SCRAM variant: its SASL name, its hash, and how it prepares the password before key derivation
/// (auth spec, "SCRAM-SHA-1" and "SCRAM-SHA-256").
/// </summary>
internal sealed class ScramMechanism
{
    public const string Sha1Name = "SCRAM-SHA-1";
    public const string Sha256Name = "SCRAM-SHA-256";

    // auth spec: SCRAM-SHA-1 derives keys from MongoDB's legacy digest of user and password, never SASLprep'd
    public static readonly ScramMechanism Sha1 = new(Sha1Name, HashAlgorithmName.SHA1, MongoPasswordDigest);

    // auth spec: SCRAM-SHA-256 uses the password itself, prepared with SASLprep as RFC 5802 asks
    public static readonly ScramMechanism Sha256 = new(Sha256Name, HashAlgorithmName.SHA256, (_, password) => SaslPrep.Prepare(password));

    private readonly Func<string, string, string> _preparePassword;

    /// <summary>Internal for tests that need the plain RFC variants (RFC 5802's SCRAM-SHA-1 uses the password as is).</summary>
    internal ScramMechanism(string name, HashAlgorithmName hashAlgorithm, Func<string, string, string> preparePassword)
    {
        Name = name;
        HashAlgorithm = hashAlgorithm;
        KeySizeBytes = hashAlgorithm == HashAlgorithmName.SHA1 ? SHA1.HashSizeInBytes : SHA256.HashSizeInBytes;
        _preparePassword = preparePassword;
    }

    public string Name { get; }

    public HashAlgorithmName HashAlgorithm { get; }

    /// <summary>The size of the hash, the HMAC and the salted password, in bytes.</summary>
    public int KeySizeBytes { get; }

    /// <summary>
    /// Picks the mechanism for a user from the handshake reply (auth spec, "Default Authentication Methods"):
    /// SCRAM-SHA-256 when <c>saslSupportedMechs</c> lists it, otherwise SCRAM-SHA-1, also when the field is absent.
    /// </summary>
    public static ScramMechanism Negotiate(BsonDocument? helloReply)
    {
        if (helloReply?["saslSupportedMechs"] is BsonArray mechanisms)
        {
            foreach (var mechanism in mechanisms)
            {
                if (mechanism is BsonString { Value: Sha256Name })
                {
                    return Sha256;
                }
            }
        }
        return Sha1;
    }

    /// <summary>The mechanism for an <c>authMechanism</c> value, or null when it is not a SCRAM mechanism we speak.</summary>
    public static ScramMechanism? FromName(string name) => name switch
    {
        Sha1Name => Sha1,
        Sha256Name => Sha256,
        _ => null,
    };

    /// <summary>The string the keys are derived from; throws <see cref="SaslPrepException"/> for a password SASLprep refuses.</summary>
    public string PreparePassword(string username, string password) => _preparePassword(username, password);

    public byte[] Hash(byte[] data) => HashAlgorithm == HashAlgorithmName.SHA1 ? SHA1.HashData(data) : SHA256.HashData(data);

    public byte[] Hmac(byte[] key, byte[] data) =>
        HashAlgorithm == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);

    /// <summary>RFC 5802 Hi(): PBKDF2 with this mechanism's HMAC and one hash-sized block.</summary>
    public byte[] Hi(string preparedPassword, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(preparedPassword), salt, iterations, HashAlgorithm, KeySizeBytes);

    public override string ToString() => Name;

    private static string MongoPasswordDigest(string username, string password)
    {
        // auth spec: hex(md5(utf8(username + ":mongo:" + password))), lowercase, the MONGODB-CR legacy digest
        byte[] digest = MD5.HashData(Encoding.UTF8.GetBytes(username + ":mongo:" + password));
        return Convert.ToHexStringLower(digest);
    }
}
