using System.Text;

namespace MongoSessions.Mongo.Dns;

/// <summary>
/// The default options a <c>mongodb+srv</c> host publishes in its TXT record: <c>key=value</c> pairs joined by
/// <c>&amp;</c>, percent-encoded like a connection string's options.
/// </summary>
internal static class SrvTxtOptions
{
    // initial DNS seedlist discovery, "Default Connection String Options": only these may come from DNS
    private static readonly string[] s_allowedKeys = ["authSource", "replicaSet", "loadBalanced"];

    /// <summary>The decoded pairs, each key in its canonical spelling. Throws for a malformed or disallowed option.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string host, string text)
    {
        var options = new List<KeyValuePair<string, string>>();
        foreach (var pair in text.Split('&'))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || equals == pair.Length - 1)
            {
                throw Invalid(host, $"'{pair}' is not a key=value pair");
            }
            var key = PercentDecode(host, pair[..equals]);
            var value = PercentDecode(host, pair[(equals + 1)..]);
            var canonical = Array.Find(s_allowedKeys, k => k.Equals(key, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid(host, $"the option '{key}' may not be set through DNS; only {string.Join(", ", s_allowedKeys)} may");
            if (options.Exists(o => o.Key == canonical))
            {
                throw Invalid(host, $"the option '{canonical}' appears twice");
            }
            options.Add(new(canonical, value));
        }
        return options;
    }

    private static string PercentDecode(string host, string text)
    {
        if (!text.Contains('%'))
        {
            return text;
        }
        var bytes = new List<byte>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var percent = text.IndexOf('%', i);
            if (percent < 0)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i..]));
                break;
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(text[i..percent]));
            if (percent + 2 >= text.Length || !Uri.IsHexDigit(text[percent + 1]) || !Uri.IsHexDigit(text[percent + 2]))
            {
                throw Invalid(host, $"'{text}' has a '%' that does not start a percent-encoded byte");
            }
            bytes.Add((byte)((Uri.FromHex(text[percent + 1]) << 4) | Uri.FromHex(text[percent + 2])));
            i = percent + 3;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static MongoSessConfigurationException Invalid(string host, string reason) =>
        new($"The TXT record of '{host}' holds invalid connection string options: {reason}.");
}
