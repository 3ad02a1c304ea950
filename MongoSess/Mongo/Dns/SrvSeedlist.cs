using System.Net;

namespace MongoSessions.Mongo.Dns;

/// <summary>
/// What a <c>mongodb+srv</c> host name stands for (initial DNS seedlist discovery spec): the seed hosts from its SRV
/// records, and the default options of its TXT record. The connection-string code merges the options; options in the
/// string itself win.
/// </summary>
/// <param name="Hosts">The seeds, in DNS order, or a random subset of <c>srvMaxHosts</c> of them.</param>
/// <param name="TxtOptions">The TXT record's text as published, or null when there is none.</param>
/// <param name="TxtOptionValues">The TXT options decoded, keys spelled canonically; empty when there is no TXT record.</param>
internal sealed record SrvSeedlist(IReadOnlyList<MongoEndPoint> Hosts, string? TxtOptions, IReadOnlyList<KeyValuePair<string, string>> TxtOptionValues)
{
    public const string DefaultServiceName = "mongodb";

    // "srvServiceName": an RFC 6335 name, except that it may be longer than 15 characters up to the 63-octet label
    private const int MaxServiceNameLength = 62;

    /// <summary>
    /// Looks up <c>_{srvServiceName}._tcp.{host}</c> (SRV) and <c>{host}</c> (TXT) and checks both against the spec's
    /// rules. Records that break them are a <see cref="MongoSessConfigurationException"/>; a DNS failure is a
    /// <see cref="MongoSessConnectionException"/>.
    /// </summary>
    public static async Task<SrvSeedlist> ResolveAsync(string host, string srvServiceName, int? srvMaxHosts, DnsClient dns, CancellationToken cancellationToken)
    {
        host = NormalizeHost(host);
        CheckServiceName(srvServiceName);
        if (srvMaxHosts < 0)
        {
            throw new MongoSessConfigurationException($"srvMaxHosts must be 0 (no limit) or more, not {srvMaxHosts}.");
        }

        var srvName = $"_{srvServiceName}._tcp.{host}";
        // "Default Connection String Options": TXT may be asked in parallel with SRV; both before any connection
        var srvLookup = dns.QuerySrvAsync(srvName, cancellationToken);
        var txtLookup = dns.QueryTxtAsync(host, cancellationToken);
        try
        {
            await Task.WhenAll(srvLookup, txtLookup).ConfigureAwait(false);
        }
        catch (MongoSessConnectionException e)
        {
            var what = srvLookup.IsFaulted ? "its hosts (SRV)" : "its default options (TXT)";
            throw new MongoSessConnectionException($"Could not look up {what} for mongodb+srv://{host}: {e.Message}", e);
        }

        var hosts = SeedsFrom(host, srvName, srvLookup.Result);
        var txt = txtLookup.Result;
        if (txt.Count > 1)
        {
            throw new MongoSessConfigurationException(
                $"'{host}' has {txt.Count} TXT records; mongodb+srv allows at most one, so the default options are ambiguous.");
        }
        var txtOptions = txt.Count == 1 ? txt[0] : null;
        var txtValues = txtOptions is null ? [] : SrvTxtOptions.Parse(host, txtOptions);
        return new SrvSeedlist(PickHosts(hosts, srvMaxHosts ?? 0), txtOptions, txtValues);
    }

    /// <summary>
    /// The part of <paramref name="host"/> every SRV target must end in ("Connection String Format"): all but the first
    /// label for three or more labels, otherwise the whole host.
    /// </summary>
    public static string DomainName(string host)
    {
        var labels = host.Split('.');
        return labels.Length >= 3 ? host[(labels[0].Length + 1)..] : host;
    }

    private static List<MongoEndPoint> SeedsFrom(string host, string srvName, IReadOnlyList<SrvRecord> records)
    {
        // "Querying DNS": no SRV records is an error that says why
        if (records.Count == 0)
        {
            throw new MongoSessConfigurationException(
                $"mongodb+srv://{host} names no hosts: DNS has no SRV records for '{srvName}'. Check the host name and srvServiceName.");
        }
        var domain = DomainName(host);
        var hosts = new List<MongoEndPoint>();
        foreach (var record in records)
        {
            // priority and weight MUST be ignored ("Querying DNS")
            var target = record.Target.ToLowerInvariant();
            if (target.Length == 0)
            {
                throw new MongoSessConfigurationException($"The SRV record of '{srvName}' has the target '.', which means the service is not available there.");
            }
            // the target must sit below the domain name; for hosts of one or two labels that adds a level (2024-09-24)
            if (!target.EndsWith("." + domain, StringComparison.Ordinal))
            {
                throw new MongoSessConfigurationException(
                    $"The SRV record of '{srvName}' points to '{target}', which is not a host under '{domain}'; MongoSess only connects to hosts in the domain of the mongodb+srv host.");
            }
            if (record.Port == 0)
            {
                throw new MongoSessConfigurationException($"The SRV record of '{srvName}' for '{target}' has port 0.");
            }
            var endPoint = new MongoEndPoint(target, record.Port);
            if (!hosts.Contains(endPoint))
            {
                hosts.Add(endPoint);
            }
        }
        return hosts;
    }

    private static List<MongoEndPoint> PickHosts(List<MongoEndPoint> hosts, int srvMaxHosts)
    {
        if (srvMaxHosts == 0 || srvMaxHosts >= hosts.Count)
        {
            return hosts;
        }
        // "Querying DNS": a random subset, by a Fisher-Yates shuffle
        var shuffled = hosts.ToArray();
        for (var i = shuffled.Length - 1; i > 0; i--)
        {
            var j = Random.Shared.Next(i + 1);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }
        return shuffled[..srvMaxHosts].ToList();
    }

    private static string NormalizeHost(string host)
    {
        var normalized = (host.EndsWith('.') ? host[..^1] : host).ToLowerInvariant();
        if (normalized.Length == 0)
        {
            throw new MongoSessConfigurationException("A mongodb+srv connection string needs a host name.");
        }
        if (IPAddress.TryParse(normalized, out _))
        {
            throw new MongoSessConfigurationException($"A mongodb+srv connection string needs a host name with SRV records, not the IP address '{host}'.");
        }
        // wrong characters or lengths fail here, before any query is sent
        DnsName.Encode(normalized);
        return normalized;
    }

    private static void CheckServiceName(string name)
    {
        // RFC 6335 section 5.1: letters, digits and hyphens, at least one letter, no hyphen at either end or twice in a row
        var valid = name.Length is > 0 and <= MaxServiceNameLength
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && name.Any(char.IsAsciiLetter)
            && name[0] != '-' && name[^1] != '-'
            && !name.Contains("--", StringComparison.Ordinal);
        if (!valid)
        {
            throw new MongoSessConfigurationException(
                $"srvServiceName '{name}' is not a valid service name: use 1 to {MaxServiceNameLength} letters, digits and single inner hyphens, with at least one letter.");
        }
    }
}
