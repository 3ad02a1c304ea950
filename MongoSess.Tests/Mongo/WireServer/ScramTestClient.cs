using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Tests.Mongo.WireServer;

/// <summary>The client side of SCRAM computed straight from RFC 5802 section 3, to drive the server in tests.</summary>
internal sealed class ScramTestClient(string mechanism, string username, string password)
{
    private readonly string _nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private string _clientFirstBare = "";
    private byte[] _serverSignature = [];

    private bool Sha1 => mechanism == "SCRAM-SHA-1";

    public byte[] ClientFirst()
    {
        _clientFirstBare = $"n={username.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},r={_nonce}";
        return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
    }

    public byte[] ClientFinal(byte[] serverFirstBytes)
    {
        string serverFirst = Encoding.UTF8.GetString(serverFirstBytes);
        var fields = serverFirst.Split(',').ToDictionary(f => f[..1], f => f[2..]);
        Assert.That(fields["r"], Does.StartWith(_nonce), "the server nonce extends the client's");
        string secret = Sha1 ? Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{username}:mongo:{password}"))) : password;
        var hash = Sha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), Convert.FromBase64String(fields["s"]), int.Parse(fields["i"], System.Globalization.CultureInfo.InvariantCulture), hash, Sha1 ? 20 : 32);
        var clientKey = Hmac(salted, "Client Key");
        var storedKey = Sha1 ? SHA1.HashData(clientKey) : SHA256.HashData(clientKey);
        string withoutProof = $"c=biws,r={fields["r"]}";
        string authMessage = $"{_clientFirstBare},{serverFirst},{withoutProof}";
        var signature = Hmac(storedKey, authMessage);
        var proof = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        _serverSignature = Hmac(Hmac(salted, "Server Key"), authMessage);
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
    }

    public bool VerifyServerFinal(byte[] serverFinal) =>
        Encoding.UTF8.GetString(serverFinal) == "v=" + Convert.ToBase64String(_serverSignature);

    private byte[] Hmac(byte[] key, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        return Sha1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);
    }
}
