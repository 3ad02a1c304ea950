using System.Text;

namespace MongoSessions.Mongo;

/// <summary>Strict RFC 3986 percent-decoding to UTF-8 text, as the connection string spec requires for every part.</summary>
internal static class PercentDecoding
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True when every <c>%</c> in <paramref name="text"/> starts a <c>%XX</c> escape.</summary>
    public static bool IsWellFormed(string text)
    {
        for (int i = text.IndexOf('%'); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Decodes <c>%XX</c> escapes (a <c>+</c> stays a plus). Returns null when an escape is malformed or the
    /// escaped bytes are not UTF-8; callers turn that into an error that names the part, never the text.
    /// </summary>
    public static string? TryDecode(string text)
    {
        if (!text.Contains('%'))
        {
            return text;
        }
        if (!IsWellFormed(text))
        {
            return null;
        }
        var result = new StringBuilder(text.Length);
        var bytes = new List<byte>();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] != '%')
            {
                result.Append(text[i++]);
                continue;
            }
            // gather a run of escapes, since one character may be several UTF-8 bytes
            bytes.Clear();
            while (i < text.Length && text[i] == '%')
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 3;
            }
            try
            {
                result.Append(s_strictUtf8.GetString(bytes.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
        return result.ToString();
    }
}
