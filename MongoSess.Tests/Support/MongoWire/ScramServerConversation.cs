using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// The server side of one SCRAM conversation (RFC 5802 section 5): client-first, server-first, client-final with the
/// proof, server-final with the signature. Any deviation fails with mongod's "Authentication failed." (code 18).
/// </summary>
internal sealed class ScramServerConversation
{
    private readonly ScramCredential _credential;
    private readonly string _gs2Header;
    private readonly string _clientFirstBare;
    private readonly string _nonce;
    private readonly string _serverFirst;

    private ScramServerConversation(ScramCredential credential, string gs2Header, string clientFirstBare, string nonce, string serverFirst)
    {
        _credential = credential;
        _gs2Header = gs2Header;
        _clientFirstBare = clientFirstBare;
        _nonce = nonce;
        _serverFirst = serverFirst;
    }

    public string UserKey { get; private init; } = "";

    /// <summary>The username in a client-first message, "=2C" and "=3D" decoded, or null when it has none.</summary>
    public static string? UsernameOf(string clientFirst)
    {
        var parts = clientFirst.Split(',');
        return parts.Length >= 4 && parts[2].StartsWith("n=", StringComparison.Ordinal)
            ? parts[2][2..].Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal)
            : null;
    }

    public static (ScramServerConversation Conversation, byte[] ServerFirst) Start(ScramCredential credential, string userKey, string clientFirst)
    {
        // gs2-header: "n,," or "y,," (no channel binding), optionally with an authzid: "n,a=user,"
        var parts = clientFirst.Split(',', 3);
        if (parts.Length < 3 || parts[0] is not ("n" or "y") || (parts[1].Length > 0 && !parts[1].StartsWith("a=", StringComparison.Ordinal)))
        {
            throw Failed();
        }
        string bare = parts[2];
        var attributes = bare.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal) || attributes[1].Length < 3)
        {
            throw Failed();
        }
        string nonce = attributes[1][2..] + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        string serverFirst = $"r={nonce},s={Convert.ToBase64String(credential.Salt)},i={credential.Iterations}";
        var conversation = new ScramServerConversation(credential, $"{parts[0]},{parts[1]},", bare, nonce, serverFirst) { UserKey = userKey };
        return (conversation, Encoding.UTF8.GetBytes(serverFirst));
    }

    /// <returns>server-final-message: "v=" and the base64 ServerSignature.</returns>
    public byte[] Finish(string clientFinal)
    {
        int proofAt = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            throw Failed();
        }
        string withoutProof = clientFinal[..proofAt];
        var attributes = withoutProof.Split(',');
        if (attributes.Length < 2
            || attributes[0] != "c=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header))
            || attributes[1] != "r=" + _nonce)
        {
            throw Failed();
        }
        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(clientFinal[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            throw Failed();
        }
        var hash = _credential.Hash;
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientSignature = ScramCredential.Hmac(hash, _credential.StoredKey, authMessage);
        if (proof.Length != clientSignature.Length)
        {
            throw Failed();
        }
        var clientKey = new byte[proof.Length];
        for (int i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }
        if (!CryptographicOperations.FixedTimeEquals(ScramCredential.HashData(hash, clientKey), _credential.StoredKey))
        {
            throw Failed();
        }
        var serverSignature = ScramCredential.Hmac(hash, _credential.ServerKey, authMessage);
        return Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature));
    }

    public static MongoCommandError Failed() => new(MongoErrorCodes.AuthenticationFailed, "Authentication failed.");
}
