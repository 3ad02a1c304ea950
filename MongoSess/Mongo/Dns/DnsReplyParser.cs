namespace MongoSessions.Mongo.Dns;

/// <summary>Validates a reply against the query it answers and reads the answer records of the asked type.</summary>
internal static class DnsReplyParser
{
    private const ushort QueryResponseFlag = 0x8000;
    private const ushort TruncatedFlag = 0x0200;

    /// <summary>
    /// Parses <paramref name="message"/>. <paramref name="readData"/> reads one record's data, given the reader at its
    /// start and the offset where it ends. A reply that is not a well-formed answer to this very question throws
    /// <see cref="DnsAttemptException"/>.
    /// </summary>
    public static DnsReply<T> Parse<T>(byte[] message, ushort id, string name, DnsRecordType type, Func<DnsMessageReader, int, T> readData)
    {
        var reader = new DnsMessageReader(message);
        var replyId = reader.ReadUInt16();
        if (replyId != id)
        {
            throw new DnsAttemptException($"the reply's id {replyId} does not match the query's id {id}");
        }
        var flags = reader.ReadUInt16();
        if ((flags & QueryResponseFlag) == 0)
        {
            throw new DnsAttemptException("the message is a query, not a reply (QR bit clear)");
        }
        var opcode = (flags >> 11) & 0xF;
        if (opcode != 0)
        {
            throw new DnsAttemptException($"the reply has opcode {opcode}, not a standard query's 0");
        }
        var code = (DnsResponseCode)(flags & 0xF);
        var questions = reader.ReadUInt16();
        var answers = reader.ReadUInt16();
        reader.ReadUInt16(); // authority records: not needed
        reader.ReadUInt16(); // additional records: not needed

        // a truncated reply is retried over TCP, and an error code says all there is: the rest may be cut or empty
        if ((flags & TruncatedFlag) != 0)
        {
            return new DnsReply<T>(true, code, []);
        }
        if (code is not (DnsResponseCode.NoError or DnsResponseCode.NameError))
        {
            return new DnsReply<T>(false, code, []);
        }

        ReadQuestion(reader, questions, name, type);
        var records = new List<T>();
        // the answer may start with a CNAME chain (RFC 1034 section 3.6.2); records of other owners are not ours
        var owners = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { TrimDot(name) };
        for (var i = 0; i < answers; i++)
        {
            var owner = reader.ReadName();
            var recordType = (DnsRecordType)reader.ReadUInt16();
            var recordClass = reader.ReadUInt16();
            reader.ReadUInt32(); // TTL: every lookup is fresh, nothing is cached
            var dataLength = reader.ReadUInt16();
            var end = reader.Position + dataLength;
            if (end > reader.Length)
            {
                throw new DnsAttemptException($"answer {i + 1} of {answers} claims {dataLength} data bytes but the message ends first");
            }
            if (recordClass == DnsQueryMessage.ClassInternet && owners.Contains(owner))
            {
                if (recordType == type)
                {
                    records.Add(readData(reader, end));
                }
                else if (recordType == DnsRecordType.Cname)
                {
                    owners.Add(reader.ReadName());
                }
                else
                {
                    reader.Position = end;
                }
                if (reader.Position != end)
                {
                    throw new DnsAttemptException($"the data of answer {i + 1} does not fill its declared length of {dataLength} bytes");
                }
            }
            reader.Position = end;
        }
        return new DnsReply<T>(false, code, records);
    }

    private static void ReadQuestion(DnsMessageReader reader, int questions, string name, DnsRecordType type)
    {
        if (questions != 1)
        {
            throw new DnsAttemptException($"the reply echoes {questions} questions instead of the one asked");
        }
        var echoedName = reader.ReadName();
        var echoedType = reader.ReadUInt16();
        var echoedClass = reader.ReadUInt16();
        // names compare without regard to case (RFC 4343); some resolvers randomize it
        if (!string.Equals(echoedName, TrimDot(name), StringComparison.OrdinalIgnoreCase)
            || echoedType != (ushort)type
            || echoedClass != DnsQueryMessage.ClassInternet)
        {
            throw new DnsAttemptException($"the reply answers a different question ('{echoedName}' type {echoedType} class {echoedClass})");
        }
    }

    private static string TrimDot(string name) => name.EndsWith('.') ? name[..^1] : name;
}
