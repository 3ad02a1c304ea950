using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Mongo.Auth;

/// <summary>The client-first-message of RFC 5802 section 5.1, without channel binding.</summary>
internal sealed class ScramClientFirst
{
    private const int NonceBytes = 24;

    // RFC 5802 section 7: gs2-cbind-flag "n" (no channel binding; the auth spec forbids advertising it), no authzid
    private const string Gs2Header = "n,,";

    public ScramClientFirst(string username, string clientNonce)
    {
        ClientNonce = clientNonce;
        // auth spec: the username is not SASLprep'd, only escaped (RFC 5802 section 5.1, "n")
        Bare = $"n={EscapeUsername(username)},r={clientNonce}";
    }

    public string ClientNonce { get; }

    /// <summary>client-first-message-bare, which is part of the AuthMessage.</summary>
    public string Bare { get; }

    public string Message => Gs2Header + Bare;

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Message);

    /// <summary>A nonce of 24 random bytes in base64: printable, and never a comma.</summary>
    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(NonceBytes));

    public static string EscapeUsername(string username) => username.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
}
