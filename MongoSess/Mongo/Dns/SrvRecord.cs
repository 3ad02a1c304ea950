namespace MongoSessions.Mongo.Dns;

/// <summary>One SRV record (RFC 2782); <see cref="Target"/> has no trailing dot, and is empty for the root (".").</summary>
internal sealed record SrvRecord(int Priority, int Weight, int Port, string Target);
