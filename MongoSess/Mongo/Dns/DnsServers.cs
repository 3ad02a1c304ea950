using System.Net;
using System.Net.NetworkInformation;

namespace MongoSessions.Mongo.Dns;

/// <summary>The recursive DNS servers the client asks, in order.</summary>
internal sealed class DnsServers
{
    public const int Port = 53;
    public const string ResolvConfPath = "/etc/resolv.conf";

    public DnsServers(IReadOnlyList<IPEndPoint> endPoints)
    {
        if (endPoints.Count == 0)
        {
            throw new ArgumentException("At least one DNS server is needed.", nameof(endPoints));
        }
        EndPoints = endPoints;
    }

    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>
    /// The system's servers: the <c>nameserver</c> lines of /etc/resolv.conf on Unix, otherwise (or when that file
    /// names none) the DNS addresses of the network interfaces that are up.
    /// </summary>
    public static async Task<DnsServers> FromSystemAsync(CancellationToken cancellationToken)
    {
        var endPoints = OperatingSystem.IsWindows() ? [] : await ReadResolvConfAsync(ResolvConfPath, cancellationToken).ConfigureAwait(false);
        if (endPoints.Count == 0)
        {
            endPoints = FromNetworkInterfaces();
        }
        if (endPoints.Count == 0)
        {
            throw new MongoSessConnectionException(
                "mongodb+srv needs DNS, but this machine has no DNS server configured (none in /etc/resolv.conf or on the network interfaces).");
        }
        return new DnsServers(endPoints);
    }

    /// <summary>The servers a resolv.conf file names; none when the file does not exist.</summary>
    public static async Task<IReadOnlyList<IPEndPoint>> ReadResolvConfAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        return ParseResolvConf(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The addresses of the <c>nameserver</c> lines of a resolv.conf text (resolv.conf(5)); others are ignored.</summary>
    public static IReadOnlyList<IPEndPoint> ParseResolvConf(string text)
    {
        var endPoints = new List<IPEndPoint>();
        foreach (var rawLine in text.Split('\n'))
        {
            var comment = rawLine.IndexOfAny(['#', ';']);
            var line = comment >= 0 ? rawLine[..comment] : rawLine;
            var fields = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            // an IPv6 address may carry a zone ("fe80::1%eth0"), which IPAddress keeps as its scope id
            if (fields.Length >= 2 && fields[0] == "nameserver" && IPAddress.TryParse(fields[1], out var address))
            {
                AddOnce(endPoints, address);
            }
        }
        return endPoints;
    }

    private static List<IPEndPoint> FromNetworkInterfaces()
    {
        var endPoints = new List<IPEndPoint>();
        foreach (var networkInterface in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (networkInterface.OperationalStatus != OperationalStatus.Up)
            {
                continue;
            }
            foreach (var address in networkInterface.GetIPProperties().DnsAddresses)
            {
                // Windows lists the deprecated fec0:0:0:ffff::1-3 site-local defaults on interfaces without IPv6 DNS
                if (!address.IsIPv6SiteLocal)
                {
                    AddOnce(endPoints, address);
                }
            }
        }
        return endPoints;
    }

    private static void AddOnce(List<IPEndPoint> endPoints, IPAddress address)
    {
        var endPoint = new IPEndPoint(address, Port);
        if (!endPoints.Contains(endPoint))
        {
            endPoints.Add(endPoint);
        }
    }
}
