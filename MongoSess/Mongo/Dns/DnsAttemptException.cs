namespace MongoSessions.Mongo.Dns;

/// <summary>
/// One try against one server failed (no reply in time, a malformed reply, a server error). The client moves on to
/// the next server and reports every such reason if none answers.
/// </summary>
internal sealed class DnsAttemptException(string reason) : Exception(reason);
