namespace MongoSessions.Mongo.Dns;

/// <summary>The record types the client asks for or follows (RFC 1035 section 3.2.2, RFC 2782).</summary>
internal enum DnsRecordType : ushort
{
    Cname = 5,
    Txt = 16,
    Srv = 33,
}
