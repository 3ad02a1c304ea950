using System.Security.Cryptography;
using System.Text;
using MongoSessions.Bson;

namespace MongoSessions.Tests.Mongo.Auth;

/// <summary>
/// The server side of SCRAM over saslStart/saslContinue, written from the RFC 5802 formulas and mongod's reply shapes,
/// independently of the client classes: it stores only StoredKey and ServerKey, checks the client proof, and answers
/// code 18 (AuthenticationFailed) as mongod does. Hooks rewrite its messages to imitate a broken or hostile server.
/// </summary>
internal sealed class FakeScramServer
{
    private readonly Dictionary<(string Database, string User, string Mechanism), Credential> _credentials;
    private Conversation? _conversation;

    public FakeScramServer() => _credentials = [];

    /// <summary>A server that knows the same users, with the same salts, as another (a replica set member).</summary>
    public FakeScramServer(FakeScramServer usersFrom) => _credentials = usersFrom._credentials;

    /// <summary>4.4+ servers end after the server-final message when the client asks with skipEmptyExchange.</summary>
    public bool SupportsSkipEmptyExchange { get; init; } = true;

    public int Iterations { get; init; } = 4096;

    public Func<string, string> RewriteServerFirst { get; init; } = message => message;

    public Func<string, string> RewriteServerFinal { get; init; } = message => message;

    public List<BsonDocument> Commands { get; } = [];

    /// <summary>Creates a user; a SCRAM-SHA-256 password is stored as given, so pass it already SASLprep'd.</summary>
    public void AddUser(string database, string username, string password, params string[] mechanisms)
    {
        foreach (string mechanism in mechanisms)
        {
            // mongod stores SCRAM-SHA-1 credentials over the legacy digest hex(md5(user + ":mongo:" + password))
            string secret = mechanism == "SCRAM-SHA-1"
                ? Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{username}:mongo:{password}")))
                : password;
            byte[] salt = RandomNumberGenerator.GetBytes(16);
            var hash = HashOf(mechanism);
            byte[] saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, Iterations, hash, HashSize(hash));
            byte[] clientKey = Hmac(hash, saltedPassword, "Client Key");
            _credentials[(database, username, mechanism)] = new Credential(
                salt, Hash(hash, clientKey), Hmac(hash, saltedPassword, "Server Key"));
        }
    }

    public Task<BsonDocument> RunCommandAsync(BsonDocument command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Commands.Add(command);
        string database = ((BsonString)command["$db"]!).Value;
        byte[] payload = ((BsonBinary)command["payload"]!).Data;
        return Task.FromResult(command.Contains("saslStart")
            ? Start(database, ((BsonString)command["mechanism"]!).Value, payload, command["options"] as BsonDocument)
            : Continue(((BsonInt32)command["conversationId"]!).Value, payload));
    }

    private BsonDocument Start(string database, string mechanism, byte[] payload, BsonDocument? options)
    {
        string clientFirst = Encoding.UTF8.GetString(payload);
        if (!clientFirst.StartsWith("n,,n=", StringComparison.Ordinal))
        {
            throw Failed();
        }
        string bare = clientFirst[3..];
        string[] parts = bare.Split(',');
        string username = parts[0][2..].Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        string clientNonce = parts[1][2..];
        if (!_credentials.TryGetValue((database, username, mechanism), out var credential))
        {
            throw Failed();
        }

        string nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        string serverFirst = RewriteServerFirst($"r={nonce},s={Convert.ToBase64String(credential.Salt)},i={Iterations}");
        bool skipEmptyExchange = options?["skipEmptyExchange"] is BsonBoolean { Value: true };
        _conversation = new Conversation(mechanism, credential, bare, serverFirst, nonce, skipEmptyExchange && SupportsSkipEmptyExchange);
        return Reply(serverFirst, done: false);
    }

    private BsonDocument Continue(int conversationId, byte[] payload)
    {
        var conversation = _conversation;
        if (conversationId != 1 || conversation is null)
        {
            throw new MongoSessCommandException(17, "ProtocolError", "No SASL session state found");
        }
        if (conversation.AwaitingEmptyExchange)
        {
            _conversation = null;
            return payload.Length == 0 ? Reply("", done: true) : throw Failed();
        }

        string clientFinal = Encoding.UTF8.GetString(payload);
        int proofAt = clientFinal.IndexOf(",p=", StringComparison.Ordinal);
        string withoutProof = proofAt < 0 ? "" : clientFinal[..proofAt];
        if (withoutProof != $"c=biws,r={conversation.Nonce}")
        {
            throw Failed();
        }

        var hash = HashOf(conversation.Mechanism);
        string authMessage = $"{conversation.ClientFirstBare},{conversation.ServerFirst},{withoutProof}";
        byte[] clientSignature = Hmac(hash, conversation.Credential.StoredKey, authMessage);
        byte[] proof = Convert.FromBase64String(clientFinal[(proofAt + 3)..]);
        byte[] clientKey = proof.Zip(clientSignature, (p, s) => (byte)(p ^ s)).ToArray();
        if (proof.Length != clientSignature.Length || !Hash(hash, clientKey).AsSpan().SequenceEqual(conversation.Credential.StoredKey))
        {
            throw Failed();
        }

        byte[] serverSignature = Hmac(hash, conversation.Credential.ServerKey, authMessage);
        _conversation = conversation.SkipEmptyExchange ? null : conversation with { AwaitingEmptyExchange = true };
        return Reply(RewriteServerFinal($"v={Convert.ToBase64String(serverSignature)}"), done: conversation.SkipEmptyExchange);
    }

    private static BsonDocument Reply(string payload, bool done) => new BsonDocument()
        .Add("conversationId", new BsonInt32(1))
        .Add("done", BsonBoolean.Of(done))
        .Add("payload", new BsonBinary(BsonBinary.GenericSubtype, Encoding.UTF8.GetBytes(payload)))
        .Add("ok", new BsonInt32(1));

    private static MongoSessCommandException Failed() => new(18, "AuthenticationFailed", "Authentication failed.");

    private static HashAlgorithmName HashOf(string mechanism) => mechanism == "SCRAM-SHA-1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;

    private static int HashSize(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA1 ? 20 : 32;

    private static byte[] Hash(HashAlgorithmName hash, byte[] data) => hash == HashAlgorithmName.SHA1 ? SHA1.HashData(data) : SHA256.HashData(data);

    private static byte[] Hmac(HashAlgorithmName hash, byte[] key, string data) => hash == HashAlgorithmName.SHA1
        ? HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(data))
        : HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private sealed record Credential(byte[] Salt, byte[] StoredKey, byte[] ServerKey);

    private sealed record Conversation(
        string Mechanism, Credential Credential, string ClientFirstBare, string ServerFirst, string Nonce, bool SkipEmptyExchange)
    {
        public bool AwaitingEmptyExchange { get; init; }
    }
}
