using System.Globalization;

namespace MongoSessions.Mongo.Topology;

/// <summary>Reads the <c>host:port</c> strings servers report (hosts, primary, me), lowercased as SDAM compares them.</summary>
internal static class EndPointParser
{
    public static MongoEndPoint? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        string host;
        string? port = null;
        if (text[0] == '[')
        {
            int close = text.IndexOf(']');
            if (close < 0)
            {
                return null;
            }
            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':')
                {
                    return null;
                }
                port = text[(close + 2)..];
            }
        }
        else
        {
            int colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }
        int number = MongoEndPoint.DefaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            return null;
        }
        return host.Length == 0 ? null : new MongoEndPoint(host.ToLowerInvariant(), number);
    }
}
