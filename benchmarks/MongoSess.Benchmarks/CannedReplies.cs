using System.Text;
using MongoDB.Bson;

namespace MongoSessions.Benchmarks;

/// <summary>The fixed replies of <see cref="CannedMongoServer"/>, encoded once, by command name.</summary>
internal sealed class CannedReplies
{
    private readonly (byte[] Name, byte[] Reply)[] _replies;
    private readonly byte[] _ok = new BsonDocument("ok", 1).ToBson();

    public CannedReplies(BsonDocument sessionDocument)
    {
        var hello = new BsonDocument
        {
            { "helloOk", true },
            { "isWritablePrimary", true },
            { "ismaster", true },
            { "maxBsonObjectSize", 16 * 1024 * 1024 },
            { "maxMessageSizeBytes", 48_000_000 },
            { "maxWriteBatchSize", 100_000 },
            { "localTime", DateTime.UtcNow },
            { "logicalSessionTimeoutMinutes", 30 },
            { "connectionId", 1 },
            { "minWireVersion", 0 },
            { "maxWireVersion", 25 },
            { "readOnly", false },
            { "ok", 1 },
        }.ToBson();
        var findAndModify = new BsonDocument
        {
            { "lastErrorObject", new BsonDocument { { "n", 1 }, { "updatedExisting", true } } },
            { "value", new BsonDocument("data", new BsonDocument("views", 7L)) },
            { "ok", 1 },
        }.ToBson();
        var find = new BsonDocument
        {
            { "cursor", new BsonDocument { { "firstBatch", new BsonArray { sessionDocument } }, { "id", 0L }, { "ns", "bench.sessions" } } },
            { "ok", 1 },
        }.ToBson();
        var written = new BsonDocument { { "n", 1 }, { "ok", 1 } }.ToBson();
        _replies =
        [
            (Encoding.ASCII.GetBytes("hello"), hello),
            (Encoding.ASCII.GetBytes("isMaster"), hello),
            (Encoding.ASCII.GetBytes("ismaster"), hello),
            (Encoding.ASCII.GetBytes("findAndModify"), findAndModify),
            (Encoding.ASCII.GetBytes("find"), find),
            (Encoding.ASCII.GetBytes("insert"), written),
            (Encoding.ASCII.GetBytes("delete"), written),
        ];
    }

    /// <summary>The reply to the command of this name; <c>{ ok: 1 }</c> for the rest (ping, endSessions, createIndexes).</summary>
    public ReadOnlySpan<byte> For(ReadOnlySpan<byte> name)
    {
        foreach (var (known, reply) in _replies)
        {
            if (name.SequenceEqual(known))
            {
                return reply;
            }
        }
        return _ok;
    }
}
