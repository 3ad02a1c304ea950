using MongoSessions.Bson;

namespace MongoSessions.Mongo.Connections;

/// <summary>What a server says about itself in its hello (or legacy isMaster) reply.</summary>
internal sealed class HelloResult
{
    public HelloResult(BsonDocument reply)
    {
        Raw = reply;
        IsWritablePrimary = Bool(reply, "isWritablePrimary") || Bool(reply, "ismaster");
        Secondary = Bool(reply, "secondary");
        ArbiterOnly = Bool(reply, "arbiterOnly");
        Hidden = Bool(reply, "hidden");
        HelloOk = Bool(reply, "helloOk");
        SetName = reply["setName"] is BsonString name ? name.Value : null;
        SetVersion = Int(reply, "setVersion");
        ElectionId = reply["electionId"] as BsonObjectId;
        Primary = reply["primary"] is BsonString primary ? primary.Value : null;
        Me = reply["me"] is BsonString me ? me.Value : null;
        Msg = reply["msg"] is BsonString msg ? msg.Value : null;
        Hosts = Strings(reply, "hosts").Concat(Strings(reply, "passives")).Concat(Strings(reply, "arbiters")).ToList();
        MinWireVersion = Int(reply, "minWireVersion") ?? 0;
        MaxWireVersion = Int(reply, "maxWireVersion") ?? 0;
        MaxBsonObjectSize = Int(reply, "maxBsonObjectSize") ?? 16 * 1024 * 1024;
        MaxMessageSizeBytes = Int(reply, "maxMessageSizeBytes") ?? 48_000_000;
        MaxWriteBatchSize = Int(reply, "maxWriteBatchSize") ?? 100_000;
        LogicalSessionTimeoutMinutes = Int(reply, "logicalSessionTimeoutMinutes");
        SaslSupportedMechs = reply["saslSupportedMechs"] is BsonArray ? Strings(reply, "saslSupportedMechs").ToList() : null;
        TopologyVersion = reply["topologyVersion"] as BsonDocument;
    }

    public BsonDocument Raw { get; }

    public bool IsWritablePrimary { get; }

    public bool Secondary { get; }

    public bool ArbiterOnly { get; }

    public bool Hidden { get; }

    public bool HelloOk { get; }

    public string? SetName { get; }

    public int? SetVersion { get; }

    public BsonObjectId? ElectionId { get; }

    public string? Primary { get; }

    public string? Me { get; }

    /// <summary>"isdbgrid" on a mongos.</summary>
    public string? Msg { get; }

    /// <summary>Every member the server knows: hosts, passives and arbiters.</summary>
    public IReadOnlyList<string> Hosts { get; }

    public int MinWireVersion { get; }

    public int MaxWireVersion { get; }

    public int MaxBsonObjectSize { get; }

    public int MaxMessageSizeBytes { get; }

    public int MaxWriteBatchSize { get; }

    public int? LogicalSessionTimeoutMinutes { get; }

    public IReadOnlyList<string>? SaslSupportedMechs { get; }

    public BsonDocument? TopologyVersion { get; }

    private static bool Bool(BsonDocument reply, string name) => reply[name] is BsonBoolean { Value: true };

    private static int? Int(BsonDocument reply, string name) => reply[name] switch
    {
        BsonInt32 i => i.Value,
        BsonInt64 l when l.Value is >= int.MinValue and <= int.MaxValue => (int)l.Value,
        BsonDouble d when d.Value is >= int.MinValue and <= int.MaxValue => (int)d.Value,
        _ => null,
    };

    private static IEnumerable<string> Strings(BsonDocument reply, string name)
    {
        if (reply[name] is not BsonArray array)
        {
            yield break;
        }
        foreach (var item in array)
        {
            if (item is BsonString s)
            {
                yield return s.Value;
            }
        }
    }
}
