using System.Text;

namespace MongoSessions.Mongo.Auth;

/// <summary>
/// The client-final-message of RFC 5802 section 5.1: the combined nonce and the client proof, plus the server signature
/// the server must send back to prove it knows the password too.
/// </summary>
internal sealed class ScramClientFinal
{
    // RFC 5802 section 7: base64("n,,"), the gs2 header of a client-first without channel binding
    private const string ChannelBinding = "c=biws";

    private ScramClientFinal(string message, byte[] expectedServerSignature)
    {
        Message = message;
        ExpectedServerSignature = expectedServerSignature;
    }

    public string Message { get; }

    /// <summary>ServerSignature = HMAC(ServerKey, AuthMessage); compare with the server-final's v= in constant time.</summary>
    public byte[] ExpectedServerSignature { get; }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Message);

    public static ScramClientFinal Create(
        ScramMechanism mechanism, ScramClientFirst clientFirst, ScramServerFirst serverFirst, string preparedPassword, ScramKeyCache keyCache)
    {
        var keys = keyCache.GetOrDerive(mechanism, preparedPassword, serverFirst.Salt, serverFirst.Iterations);
        string withoutProof = $"{ChannelBinding},r={serverFirst.Nonce}";
        byte[] authMessage = Encoding.UTF8.GetBytes($"{clientFirst.Bare},{serverFirst.Message},{withoutProof}");

        byte[] storedKey = mechanism.Hash(keys.ClientKey);
        byte[] clientSignature = mechanism.Hmac(storedKey, authMessage);
        byte[] clientProof = new byte[clientSignature.Length];
        for (int i = 0; i < clientProof.Length; i++)
        {
            clientProof[i] = (byte)(keys.ClientKey[i] ^ clientSignature[i]);
        }

        return new ScramClientFinal($"{withoutProof},p={Convert.ToBase64String(clientProof)}", mechanism.Hmac(keys.ServerKey, authMessage));
    }
}
