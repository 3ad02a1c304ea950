namespace MongoSessions.Mongo.Dns;

/// <summary>
/// A validated reply: when <see cref="Truncated"/> is set, or <see cref="ResponseCode"/> is an error, it carries
/// no records.
/// </summary>
internal sealed record DnsReply<T>(bool Truncated, DnsResponseCode ResponseCode, IReadOnlyList<T> Records);
