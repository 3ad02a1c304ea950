namespace MongoSessions.Mongo;

/// <summary>
/// Turns a mongodb+srv connection string into the one its DNS records describe (initial DNS seedlist discovery spec,
/// "Seedlist Discovery" and "Default Connection String Options").
/// </summary>
internal static class SrvRecordMerger
{
    public static ConnectionString Merge(ConnectionString source, IReadOnlyList<MongoEndPoint> hosts, string? txtOptions)
    {
        if (!source.IsSrv)
        {
            throw new InvalidOperationException("WithSrvRecords applies only to a mongodb+srv:// connection string.");
        }
        if (hosts.Count == 0)
        {
            throw new MongoSessConfigurationException($"The SRV record for {source.SrvHostName} lists no hosts.");
        }
        var warnings = new List<string>(source.Warnings);
        var options = string.IsNullOrEmpty(txtOptions) ? source.Options : MergeTxt(source, txtOptions, warnings);
        var chosen = Choose(hosts, options.SrvMaxHosts ?? 0);
        ConnectionStringRules.CheckResolved(chosen.Count, options);
        return source.WithResolved(chosen, options, warnings);
    }

    // options in the connection string override the TXT record's
    private static ConnectionStringOptions MergeTxt(ConnectionString source, string txt, List<string> warnings)
    {
        string where = $"TXT record of {source.SrvHostName}";
        foreach (var (key, _) in UriOptionParser.SplitPairs(txt, where))
        {
            if (!UriOptionNames.AllowedInTxtRecord.Contains(key))
            {
                throw new MongoSessConfigurationException(
                    $"The {where} sets {UriOptionParser.Describe(key)}; only authSource, replicaSet and loadBalanced may be set there.");
            }
        }
        var (txtOptions, _) = UriOptionParser.Parse(txt, warnings);
        var own = source.Options;
        return own with
        {
            AuthSource = own.AuthSource ?? txtOptions.AuthSource,
            ReplicaSet = own.ReplicaSet ?? txtOptions.ReplicaSet,
            LoadBalanced = own.LoadBalanced ?? txtOptions.LoadBalanced,
        };
    }

    // srvMaxHosts: "randomly select that many hosts"; the spec recommends a Fisher-Yates shuffle
    private static IReadOnlyList<MongoEndPoint> Choose(IReadOnlyList<MongoEndPoint> hosts, int maxHosts)
    {
        if (maxHosts <= 0 || maxHosts >= hosts.Count)
        {
            return hosts.ToArray();
        }
        var shuffled = hosts.ToArray();
        for (int i = shuffled.Length - 1; i > 0; i--)
        {
            int j = Random.Shared.Next(i + 1);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }
        return shuffled[..maxHosts];
    }
}
