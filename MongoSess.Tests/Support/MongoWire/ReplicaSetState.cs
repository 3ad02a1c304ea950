using System.Buffers.Binary;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// The replica-set configuration and election state the members share: set name and version, the members, the
/// primary, the election id (which grows with each election, as SDAM expects) and the cluster time.
/// </summary>
internal sealed class ReplicaSetState(string setName)
{
    private readonly object _lock = new();
    private MongoWireServer? _primary;
    private long _term;
    private BsonObjectId _electionId = new(ObjectId.Empty);
    private long _clusterTicks;

    public string SetName { get; } = setName;

    public int SetVersion => 1;

    public List<MongoWireServer> Members { get; } = [];

    public MongoWireServer? Primary
    {
        get
        {
            lock (_lock)
            {
                return _primary;
            }
        }
    }

    public BsonObjectId ElectionId
    {
        get
        {
            lock (_lock)
            {
                return _electionId;
            }
        }
    }

    public IEnumerable<BsonValue> Hosts => Members.Select(m => (BsonValue)new BsonString(m.HostAndPort));

    /// <summary>Makes <paramref name="member"/> primary, or leaves no primary when null.</summary>
    public void Elect(MongoWireServer? member)
    {
        lock (_lock)
        {
            _primary = member;
            if (member is not null)
            {
                _term++;
                // mongod's electionId: 0x7fffffff followed by the term
                var bytes = new byte[12];
                BinaryPrimitives.WriteInt32BigEndian(bytes, int.MaxValue);
                BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(4), _term);
                _electionId = new BsonObjectId(new ObjectId(bytes));
            }
        }
    }

    /// <summary>Adds the $clusterTime and operationTime that replica-set members put on every reply.</summary>
    public void AddClusterTime(BsonDocument reply)
    {
        ulong seconds = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var time = new BsonTimestamp((long)(seconds << 32) | (uint)(Interlocked.Increment(ref _clusterTicks) & 0xFFFFFFFF));
        reply.Set("$clusterTime", new BsonDocument()
            .Add("clusterTime", time)
            .Add("signature", new BsonDocument()
                .Add("hash", new BsonBinaryData(new byte[20], BsonBinarySubType.Binary))
                .Add("keyId", new BsonInt64(0))));
        reply.Set("operationTime", time);
    }
}
