namespace MongoSessions.Mongo.Topology;

/// <summary>Server types of the server discovery and monitoring (SDAM) spec.</summary>
internal enum ServerType
{
    Unknown,
    Standalone,
    Mongos,
    RSPrimary,
    RSSecondary,
    RSArbiter,
    RSOther,
    RSGhost,
}
