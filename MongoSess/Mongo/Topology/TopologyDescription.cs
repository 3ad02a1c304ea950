using System.Collections.Immutable;
using MongoSessions.Bson;

namespace MongoSessions.Mongo.Topology;

/// <summary>
/// The client's picture of the deployment, immutable: <see cref="Apply"/> returns the next picture for a new
/// server description, following the SDAM spec's transition table (Single, replica sets, sharded; no load balancer).
/// </summary>
internal sealed record TopologyDescription
{
    public TopologyType Type { get; init; }

    public string? SetName { get; init; }

    public ImmutableDictionary<MongoEndPoint, ServerDescription> Servers { get; init; } = ImmutableDictionary<MongoEndPoint, ServerDescription>.Empty;

    public int? MaxSetVersion { get; init; }

    public BsonObjectId? MaxElectionId { get; init; }

    /// <summary>The starting picture: every seed unknown; one seed with directConnection (or one seed and no set name, decided on first contact) is Single.</summary>
    public static TopologyDescription Initial(IEnumerable<MongoEndPoint> seeds, string? setName, bool? directConnection)
    {
        var servers = seeds.Distinct().ToImmutableDictionary(e => e, e => ServerDescription.Unknown(e));
        var type = directConnection == true ? TopologyType.Single : setName is not null ? TopologyType.ReplicaSetNoPrimary : TopologyType.Unknown;
        return new TopologyDescription { Type = type, SetName = setName, Servers = servers };
    }

    public ServerDescription? WritableServer => Servers.Values.FirstOrDefault(s => Type switch
    {
        TopologyType.Single => s.Type is not ServerType.Unknown and not ServerType.RSGhost && (SetName is null || s.SetName == SetName) && s.IsDataBearing,
        TopologyType.Sharded => s.Type == ServerType.Mongos,
        TopologyType.ReplicaSetWithPrimary => s.Type == ServerType.RSPrimary,
        _ => false,
    });

    public TopologyDescription Apply(ServerDescription server)
    {
        if (!Servers.ContainsKey(server.EndPoint))
        {
            return this;
        }
        var next = this with { Servers = Servers.SetItem(server.EndPoint, server) };
        return Type switch
        {
            TopologyType.Single => next,
            TopologyType.Unknown => next.FromUnknown(server),
            TopologyType.Sharded => server.Type is ServerType.Unknown or ServerType.Mongos ? next : next.Remove(server.EndPoint),
            TopologyType.ReplicaSetNoPrimary => next.FromReplicaSet(server, hadPrimary: false),
            _ => next.FromReplicaSet(server, hadPrimary: true),
        };
    }

    private TopologyDescription FromUnknown(ServerDescription server) => server.Type switch
    {
        // SDAM: a standalone found among several seeds is not part of the deployment the user described
        ServerType.Standalone => Servers.Count == 1 ? this with { Type = TopologyType.Single } : Remove(server.EndPoint),
        ServerType.Mongos => this with { Type = TopologyType.Sharded },
        ServerType.RSPrimary => (this with { Type = TopologyType.ReplicaSetWithPrimary }).UpdateFromPrimary(server),
        ServerType.RSSecondary or ServerType.RSArbiter or ServerType.RSOther => (this with { Type = TopologyType.ReplicaSetNoPrimary }).UpdateWithoutPrimary(server),
        _ => this,
    };

    private TopologyDescription FromReplicaSet(ServerDescription server, bool hadPrimary) => server.Type switch
    {
        ServerType.Standalone or ServerType.Mongos => Remove(server.EndPoint).CheckIfHasPrimary(),
        ServerType.RSPrimary => UpdateFromPrimary(server),
        ServerType.RSSecondary or ServerType.RSArbiter or ServerType.RSOther => hadPrimary ? UpdateWithPrimaryFromMember(server) : UpdateWithoutPrimary(server),
        _ => CheckIfHasPrimary(),
    };

    private TopologyDescription UpdateFromPrimary(ServerDescription primary)
    {
        var next = this;
        if (next.SetName is null)
        {
            next = next with { SetName = primary.SetName };
        }
        else if (next.SetName != primary.SetName)
        {
            return next.Remove(primary.EndPoint).CheckIfHasPrimary();
        }
        if (IsStale(next, primary))
        {
            // an old primary that has not heard of the newer election: forget what it said
            return (next with { Servers = next.Servers.SetItem(primary.EndPoint, ServerDescription.Unknown(primary.EndPoint, "stale primary")) }).CheckIfHasPrimary();
        }
        next = next with
        {
            MaxElectionId = primary.ElectionId ?? next.MaxElectionId,
            MaxSetVersion = primary.SetVersion is { } v && (next.MaxSetVersion is null || v > next.MaxSetVersion || primary.MaxWireVersion >= 17) ? v : next.MaxSetVersion,
        };
        var servers = next.Servers;
        foreach (var (endPoint, server) in next.Servers)
        {
            if (server.Type == ServerType.RSPrimary && endPoint != primary.EndPoint)
            {
                servers = servers.SetItem(endPoint, ServerDescription.Unknown(endPoint, "another member became primary"));
            }
        }
        foreach (var host in primary.Hosts.Where(h => !servers.ContainsKey(h)))
        {
            servers = servers.Add(host, ServerDescription.Unknown(host));
        }
        servers = servers.RemoveRange(servers.Keys.Where(k => !primary.Hosts.Contains(k)).ToList());
        return (next with { Servers = servers }).CheckIfHasPrimary();
    }

    // SDAM: from wire version 17 (MongoDB 6.0) the election id orders primaries first, the set version second
    private static bool IsStale(TopologyDescription topology, ServerDescription primary)
    {
        if (primary.ElectionId is null || primary.SetVersion is null)
        {
            return false;
        }
        int byElection = topology.MaxElectionId is null ? 1 : Compare(primary.ElectionId, topology.MaxElectionId);
        int byVersion = topology.MaxSetVersion is null ? 1 : primary.SetVersion.Value.CompareTo(topology.MaxSetVersion.Value);
        if (primary.MaxWireVersion >= 17)
        {
            return byElection < 0 || (byElection == 0 && byVersion < 0);
        }
        return topology.MaxElectionId is not null && topology.MaxSetVersion is not null && (byVersion < 0 || (byVersion == 0 && byElection < 0));
    }

    private static int Compare(BsonObjectId a, BsonObjectId b) => a.Bytes.AsSpan().SequenceCompareTo(b.Bytes);

    private TopologyDescription UpdateWithoutPrimary(ServerDescription member)
    {
        var next = this;
        if (next.SetName is null)
        {
            next = next with { SetName = member.SetName };
        }
        else if (next.SetName != member.SetName)
        {
            return next.Remove(member.EndPoint);
        }
        var servers = next.Servers;
        foreach (var host in member.Hosts.Where(h => !servers.ContainsKey(h)))
        {
            servers = servers.Add(host, ServerDescription.Unknown(host));
        }
        next = next with { Servers = servers };
        return member.Me is { } me && me != member.EndPoint ? next.Remove(member.EndPoint) : next;
    }

    private TopologyDescription UpdateWithPrimaryFromMember(ServerDescription member)
    {
        if (SetName != member.SetName || (member.Me is { } me && me != member.EndPoint))
        {
            return Remove(member.EndPoint).CheckIfHasPrimary();
        }
        return CheckIfHasPrimary();
    }

    private TopologyDescription CheckIfHasPrimary()
    {
        if (Type is not (TopologyType.ReplicaSetNoPrimary or TopologyType.ReplicaSetWithPrimary))
        {
            return this;
        }
        bool hasPrimary = Servers.Values.Any(s => s.Type == ServerType.RSPrimary);
        return this with { Type = hasPrimary ? TopologyType.ReplicaSetWithPrimary : TopologyType.ReplicaSetNoPrimary };
    }

    private TopologyDescription Remove(MongoEndPoint endPoint) => this with { Servers = Servers.Remove(endPoint) };

    /// <summary>A one-line summary for "no server available" errors: each server, its type and its last error.</summary>
    public string Summarize() =>
        $"{Type}{(SetName is null ? "" : $" '{SetName}'")}: " +
        string.Join(", ", Servers.Values.Select(s => $"{s.EndPoint} {s.Type}{(s.Error is null ? "" : $" ({s.Error})")}"));
}
