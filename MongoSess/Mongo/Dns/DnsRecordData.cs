using System.Text;

namespace MongoSessions.Mongo.Dns;

/// <summary>Readers for the data of the record types the client asks for.</summary>
internal static class DnsRecordData
{
    /// <summary>SRV data: priority, weight, port, target (RFC 2782).</summary>
    public static SrvRecord ReadSrv(DnsMessageReader reader, int end)
    {
        var priority = reader.ReadUInt16();
        var weight = reader.ReadUInt16();
        var port = reader.ReadUInt16();
        var target = reader.ReadName();
        if (reader.Position > end)
        {
            throw new DnsAttemptException("an SRV record's target runs past the end of its data");
        }
        return new SrvRecord(priority, weight, port, target);
    }

    /// <summary>TXT data: one or more length-prefixed character-strings, joined in order (RFC 1035 section 3.3.14).</summary>
    public static string ReadTxt(DnsMessageReader reader, int end)
    {
        var text = new StringBuilder();
        while (reader.Position < end)
        {
            var length = reader.ReadByte();
            if (reader.Position + length > end)
            {
                throw new DnsAttemptException("a TXT character-string runs past the end of its record");
            }
            text.Append(Encoding.UTF8.GetString(reader.ReadBytes(length)));
        }
        return text.ToString();
    }
}
