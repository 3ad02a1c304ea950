using System.Security.Cryptography;

namespace MongoSessions.Mongo.Auth;

/// <summary>Checks the server-final-message of RFC 5802 section 5.1: the server's proof that it knows the password.</summary>
internal static class ScramServerVerification
{
    /// <summary>Throws <see cref="MongoSessAuthenticationException"/> unless the payload carries the expected server signature.</summary>
    public static void Verify(byte[] payload, byte[] expectedServerSignature)
    {
        string message = ScramAttributes.DecodeUtf8(payload, "server-final");
        var attributes = ScramAttributes.Parse(message, "server-final");

        // server-final-message = (server-error / verifier) ["," extensions]
        switch (attributes[0].Name)
        {
            case 'e':
                throw new MongoSessAuthenticationException($"The server rejected the SCRAM authentication: {attributes[0].Value}.");
            case 'v':
                byte[] signature = ScramAttributes.DecodeBase64(attributes[0].Value, "server-final", "server signature");
                if (!CryptographicOperations.FixedTimeEquals(signature, expectedServerSignature))
                {
                    throw new MongoSessAuthenticationException(
                        "The server signature did not verify: the server does not know the password, or the conversation was tampered with.");
                }
                break;
            default:
                throw ScramAttributes.Malformed("server-final", "it has neither v= nor e=");
        }
    }
}
