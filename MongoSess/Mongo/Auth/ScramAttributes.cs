using System.Text;

namespace MongoSessions.Mongo.Auth;

/// <summary>
/// The <c>a=value,b=value</c> syntax of SCRAM messages (RFC 5802 section 7), decoded strictly. Errors name the
/// message and the problem, never the message's content.
/// </summary>
internal static class ScramAttributes
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static List<(char Name, string Value)> Parse(string message, string messageName)
    {
        var attributes = new List<(char Name, string Value)>();
        foreach (string part in message.Split(','))
        {
            // attr-val = ALPHA "=" value; a value may contain '=' (base64 padding) but never ','
            if (part.Length < 2 || !char.IsAsciiLetter(part[0]) || part[1] != '=')
            {
                throw Malformed(messageName, "an attribute is not of the form a=value");
            }
            attributes.Add((part[0], part[2..]));
        }
        return attributes;
    }

    public static string DecodeUtf8(byte[] payload, string messageName)
    {
        try
        {
            return s_strictUtf8.GetString(payload);
        }
        catch (DecoderFallbackException ex)
        {
            throw Malformed(messageName, "it is not valid UTF-8", ex);
        }
    }

    public static byte[] DecodeBase64(string value, string messageName, string attributeName)
    {
        // Convert.FromBase64String skips white space; the SCRAM grammar has none, so check the alphabet first
        bool alphabetOnly = value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=');
        if (alphabetOnly && value.Length % 4 == 0)
        {
            try
            {
                return Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                // reported below
            }
        }
        throw Malformed(messageName, $"the {attributeName} is not valid base64");
    }

    public static MongoSessAuthenticationException Malformed(string messageName, string reason, Exception? inner = null) =>
        new($"The server's SCRAM {messageName} message is malformed: {reason}.", inner);
}
