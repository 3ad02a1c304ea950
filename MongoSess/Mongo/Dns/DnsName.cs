namespace MongoSessions.Mongo.Dns;

/// <summary>Checks and encodes the names the client asks about (RFC 1035 sections 2.3.4 and 3.1).</summary>
internal static class DnsName
{
    public const int MaxLabelLength = 63;
    public const int MaxWireLength = 255;

    /// <summary>The name in wire form: length-prefixed labels and a zero byte. A trailing dot is allowed.</summary>
    public static byte[] Encode(string name)
    {
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        if (trimmed.Length == 0)
        {
            throw Invalid(name, "it is empty");
        }
        var labels = trimmed.Split('.');
        var wire = new byte[trimmed.Length + 2];
        var position = 0;
        foreach (var label in labels)
        {
            if (label.Length == 0)
            {
                throw Invalid(name, "it has an empty label");
            }
            if (label.Length > MaxLabelLength)
            {
                throw Invalid(name, $"the label '{label}' is longer than {MaxLabelLength} characters");
            }
            wire[position++] = (byte)label.Length;
            foreach (var c in label)
            {
                if (!IsLabelChar(c))
                {
                    throw Invalid(name, $"the label '{label}' has a character other than printable ASCII (use the punycode form of a non-ASCII name)");
                }
                wire[position++] = (byte)c;
            }
        }
        wire[position] = 0;
        if (wire.Length > MaxWireLength)
        {
            throw Invalid(name, $"it is longer than {MaxWireLength} octets");
        }
        return wire;
    }

    /// <summary>A byte we accept inside a label: printable ASCII except the dot, which would make the name ambiguous.</summary>
    public static bool IsLabelChar(int c) => c is > 0x20 and < 0x7F and not '.';

    private static MongoSessConfigurationException Invalid(string name, string reason) =>
        new($"'{name}' is not a valid DNS name: {reason}.");
}
