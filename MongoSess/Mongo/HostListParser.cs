using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MongoSessions.Mongo;

/// <summary>
/// Reads the host information of a connection string: host names, IPv4 addresses, IPv6 literals in brackets and
/// percent-encoded unix socket paths, separated by commas. Messages say which host is wrong, never what it says,
/// since a badly encoded password can end up here.
/// </summary>
internal static class HostListParser
{
    /// <summary>The port recorded for a unix domain socket, which has none.</summary>
    public const int UnixSocketPort = 0;

    public static List<MongoEndPoint> Parse(string hostInfo)
    {
        if (hostInfo.Length == 0)
        {
            throw new MongoSessConfigurationException("The connection string names no host; write mongodb://host[:port][,host[:port]...].");
        }
        string[] items = hostInfo.Split(',');
        var hosts = new List<MongoEndPoint>(items.Length);
        for (int i = 0; i < items.Length; i++)
        {
            string which = items.Length == 1 ? "The host" : $"Host {i + 1}";
            hosts.Add(ParseOne(items[i], which));
        }
        return hosts;
    }

    private static MongoEndPoint ParseOne(string item, string which)
    {
        if (item.Length == 0)
        {
            throw Error($"{which} of the connection string is empty; separate hosts with single commas.");
        }
        if (item[0] == '[')
        {
            return ParseIpLiteral(item, which);
        }
        string decoded = PercentDecoding.TryDecode(item)
            ?? throw Error($"{which} of the connection string has a malformed percent escape.");
        if (decoded.Contains('/'))
        {
            // connection string spec: socket paths are percent-encoded and end in ".sock"
            return decoded.EndsWith(".sock", StringComparison.OrdinalIgnoreCase)
                ? new MongoEndPoint(decoded, UnixSocketPort)
                : throw Error($"{which} of the connection string contains '/', but is not a unix socket path ending in .sock.");
        }
        int colon = decoded.LastIndexOf(':');
        string host = colon < 0 ? decoded : decoded[..colon];
        if (host.Length == 0 || host.Contains(':'))
        {
            throw Error($"{which} of the connection string is not host[:port]; write IPv6 addresses in brackets, as [::1]:27017.");
        }
        if (host.AsSpan().IndexOfAny(" @?#[]\\\"<>") >= 0 || host.Any(char.IsControl))
        {
            throw Error($"{which} of the connection string contains a character a host name cannot have.");
        }
        return new MongoEndPoint(host, colon < 0 ? MongoEndPoint.DefaultPort : ParsePort(decoded[(colon + 1)..], which));
    }

    private static MongoEndPoint ParseIpLiteral(string item, string which)
    {
        int close = item.IndexOf(']');
        string? address = close > 1 ? PercentDecoding.TryDecode(item[1..close]) : null;
        if (address is null || !IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw Error($"{which} of the connection string starts with '[' but is not an IPv6 address in brackets, as [::1]:27017.");
        }
        string rest = item[(close + 1)..];
        if (rest.Length == 0)
        {
            return new MongoEndPoint(address, MongoEndPoint.DefaultPort);
        }
        return rest[0] == ':'
            ? new MongoEndPoint(address, ParsePort(rest[1..], which))
            : throw Error($"{which} of the connection string has text after the IPv6 address; only :port may follow it.");
    }

    private static int ParsePort(string text, string which)
    {
        // connection string spec, "Port": an integer from 1 to 65535; no sign, no spaces
        bool digits = text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit);
        if (!digits || int.Parse(text, CultureInfo.InvariantCulture) is < 1 or > 65535)
        {
            throw Error($"{which} of the connection string has an invalid port; a port is a number from 1 to 65535.");
        }
        return int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static MongoSessConfigurationException Error(string message) => new(message);
}
