namespace MongoSessions.Mongo.Topology;

/// <summary>Topology types of the SDAM spec (load-balanced mode is not supported).</summary>
internal enum TopologyType
{
    Unknown,
    Single,
    ReplicaSetNoPrimary,
    ReplicaSetWithPrimary,
    Sharded,
}
