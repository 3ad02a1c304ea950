using MongoSessions.Bson;
using MongoSessions.Mongo.Connections;

namespace MongoSessions.Mongo.Topology;

/// <summary>What the client knows about one server, from its last hello or the error that replaced it.</summary>
internal sealed record ServerDescription
{
    public required MongoEndPoint EndPoint { get; init; }

    public ServerType Type { get; init; }

    public string? SetName { get; init; }

    public int? SetVersion { get; init; }

    public BsonObjectId? ElectionId { get; init; }

    public MongoEndPoint? Primary { get; init; }

    public MongoEndPoint? Me { get; init; }

    public IReadOnlyList<MongoEndPoint> Hosts { get; init; } = [];

    public int MinWireVersion { get; init; }

    public int MaxWireVersion { get; init; }

    public int? LogicalSessionTimeoutMinutes { get; init; }

    public bool HelloOk { get; init; }

    /// <summary>Why the server is unknown, for error messages.</summary>
    public string? Error { get; init; }

    public bool IsWritable => Type is ServerType.RSPrimary or ServerType.Standalone or ServerType.Mongos;

    public bool IsDataBearing => Type is ServerType.RSPrimary or ServerType.RSSecondary or ServerType.Standalone or ServerType.Mongos;

    public static ServerDescription Unknown(MongoEndPoint endPoint, string? error = null) => new() { EndPoint = endPoint, Error = error };

    public static ServerDescription FromHello(MongoEndPoint endPoint, HelloResult hello) => new()
    {
        EndPoint = endPoint,
        Type = TypeOf(hello),
        SetName = hello.SetName,
        SetVersion = hello.SetVersion,
        ElectionId = hello.ElectionId,
        Primary = EndPointParser.TryParse(hello.Primary),
        Me = EndPointParser.TryParse(hello.Me),
        Hosts = hello.Hosts.Select(EndPointParser.TryParse).OfType<MongoEndPoint>().ToList(),
        MinWireVersion = hello.MinWireVersion,
        MaxWireVersion = hello.MaxWireVersion,
        LogicalSessionTimeoutMinutes = hello.LogicalSessionTimeoutMinutes,
        HelloOk = hello.HelloOk,
    };

    private static ServerType TypeOf(HelloResult hello)
    {
        if (hello.Msg == "isdbgrid")
        {
            return ServerType.Mongos;
        }
        if (hello.Raw["isreplicaset"] is BsonBoolean { Value: true })
        {
            return ServerType.RSGhost;
        }
        if (hello.SetName is null)
        {
            return ServerType.Standalone;
        }
        if (hello.IsWritablePrimary)
        {
            return ServerType.RSPrimary;
        }
        if (hello.Hidden)
        {
            return ServerType.RSOther;
        }
        return hello.Secondary ? ServerType.RSSecondary : hello.ArbiterOnly ? ServerType.RSArbiter : ServerType.RSOther;
    }
}
