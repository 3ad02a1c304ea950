namespace MongoSessions.Mongo;

/// <summary>A server address: a host name, an IPv4 address or an IPv6 address (without brackets), and a port.</summary>
internal readonly record struct MongoEndPoint(string Host, int Port)
{
    public const int DefaultPort = 27017;

    /// <summary>The address as MongoDB writes it: <c>host:port</c>, with IPv6 in brackets.</summary>
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
