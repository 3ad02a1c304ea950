using System.Globalization;

namespace MongoSessions.Mongo.Auth;

/// <summary>The server-first-message of RFC 5802 section 5.1 (nonce, salt, iteration count), parsed strictly.</summary>
internal sealed class ScramServerFirst
{
    // auth spec, SCRAM-SHA-1 and SCRAM-SHA-256: refuse a lower count, it would be a downgrade by a man in the middle
    public const int MinimumIterations = 4096;

    private ScramServerFirst(string message, string nonce, byte[] salt, int iterations)
    {
        Message = message;
        Nonce = nonce;
        Salt = salt;
        Iterations = iterations;
    }

    /// <summary>The message as received; part of the AuthMessage.</summary>
    public string Message { get; }

    /// <summary>The combined nonce: ours followed by the server's part.</summary>
    public string Nonce { get; }

    public byte[] Salt { get; }

    public int Iterations { get; }

    /// <summary>Parses the server's reply to our client-first; throws <see cref="MongoSessAuthenticationException"/> when it is malformed.</summary>
    public static ScramServerFirst Parse(byte[] payload, string clientNonce)
    {
        string message = ScramAttributes.DecodeUtf8(payload, "server-first");
        var attributes = ScramAttributes.Parse(message, "server-first");

        // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]
        if (attributes.Count > 0 && attributes[0].Name == 'm')
        {
            throw ScramAttributes.Malformed("server-first", "it requires a mandatory extension (m=) we do not support");
        }
        if (attributes.Count < 3 || attributes[0].Name != 'r' || attributes[1].Name != 's' || attributes[2].Name != 'i')
        {
            throw ScramAttributes.Malformed("server-first", "it does not start with r=, s= and i=");
        }

        string nonce = attributes[0].Value;
        if (nonce.Length <= clientNonce.Length || !nonce.StartsWith(clientNonce, StringComparison.Ordinal) || !IsPrintable(nonce))
        {
            throw ScramAttributes.Malformed("server-first", "the server nonce does not extend the client nonce");
        }

        byte[] salt = ScramAttributes.DecodeBase64(attributes[1].Value, "server-first", "salt");
        if (salt.Length == 0)
        {
            throw ScramAttributes.Malformed("server-first", "the salt is empty");
        }

        string count = attributes[2].Value;
        if (count.Length == 0 || !count.All(char.IsAsciiDigit)
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int iterations))
        {
            throw ScramAttributes.Malformed("server-first", "the iteration count is not a positive integer");
        }
        if (iterations < MinimumIterations)
        {
            throw new MongoSessAuthenticationException(
                $"The server asked for {iterations} SCRAM iterations; at least {MinimumIterations} are required.");
        }

        return new ScramServerFirst(message, nonce, salt, iterations);
    }

    // RFC 5802 section 7: printable = %x21-2B / %x2D-7E (visible ASCII except the comma)
    private static bool IsPrintable(string value) => value.All(c => c is >= '!' and <= '~' and not ',');
}
