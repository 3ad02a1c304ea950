using MongoSessions.Bson;
using MongoSessions.Mongo;
using MongoSessions.Mongo.Topology;

namespace MongoSessions.Tests.Mongo.Topology;

[TestFixture]
public sealed class TopologyDescriptionTests
{
    private static readonly MongoEndPoint A = new("a", 27017);
    private static readonly MongoEndPoint B = new("b", 27017);
    private static readonly MongoEndPoint C = new("c", 27017);

    private static BsonObjectId Election(byte n) => new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n]);

    private static ServerDescription Member(MongoEndPoint at, ServerType type, string setName = "rs0", BsonObjectId? election = null, int? setVersion = 1, params MongoEndPoint[] hosts) => new()
    {
        EndPoint = at,
        Type = type,
        SetName = setName,
        ElectionId = election,
        SetVersion = setVersion,
        Hosts = hosts.Length == 0 ? [A, B, C] : hosts,
        Me = at,
        MaxWireVersion = 21,
        LogicalSessionTimeoutMinutes = 30,
    };

    [Test]
    public void One_seed_that_is_a_standalone_makes_a_single_topology()
    {
        var topology = TopologyDescription.Initial([A], null, null)
            .Apply(new ServerDescription { EndPoint = A, Type = ServerType.Standalone, MaxWireVersion = 21 });
        Assert.That(topology.Type, Is.EqualTo(TopologyType.Single));
        Assert.That(topology.WritableServer?.EndPoint, Is.EqualTo(A));
    }

    [Test]
    public void A_standalone_among_several_seeds_is_removed()
    {
        var topology = TopologyDescription.Initial([A, B], null, null)
            .Apply(new ServerDescription { EndPoint = A, Type = ServerType.Standalone });
        Assert.That(topology.Servers.Keys, Is.EquivalentTo(new[] { B }));
        Assert.That(topology.WritableServer, Is.Null);
    }

    [Test]
    public void A_primary_reveals_the_members_and_becomes_writable()
    {
        var topology = TopologyDescription.Initial([A], null, null).Apply(Member(A, ServerType.RSPrimary, election: Election(1)));
        Assert.Multiple(() =>
        {
            Assert.That(topology.Type, Is.EqualTo(TopologyType.ReplicaSetWithPrimary));
            Assert.That(topology.SetName, Is.EqualTo("rs0"));
            Assert.That(topology.Servers.Keys, Is.EquivalentTo(new[] { A, B, C }));
            Assert.That(topology.WritableServer?.EndPoint, Is.EqualTo(A));
        });
    }

    [Test]
    public void A_secondary_alone_leaves_no_writable_server()
    {
        var topology = TopologyDescription.Initial([B], null, null).Apply(Member(B, ServerType.RSSecondary));
        Assert.That(topology.Type, Is.EqualTo(TopologyType.ReplicaSetNoPrimary));
        Assert.That(topology.WritableServer, Is.Null);
        Assert.That(topology.Servers, Has.Count.EqualTo(3));
    }

    [Test]
    public void A_new_primary_demotes_the_old_one()
    {
        var topology = TopologyDescription.Initial([A], null, null)
            .Apply(Member(A, ServerType.RSPrimary, election: Election(1)))
            .Apply(Member(B, ServerType.RSPrimary, election: Election(2)));
        Assert.That(topology.WritableServer?.EndPoint, Is.EqualTo(B));
        Assert.That(topology.Servers[A].Type, Is.EqualTo(ServerType.Unknown));
    }

    [Test]
    public void A_stale_primary_with_an_older_election_id_is_ignored()
    {
        var topology = TopologyDescription.Initial([A, B], null, null)
            .Apply(Member(B, ServerType.RSPrimary, election: Election(2)))
            .Apply(Member(A, ServerType.RSPrimary, election: Election(1)));
        Assert.That(topology.WritableServer?.EndPoint, Is.EqualTo(B));
        Assert.That(topology.Servers[A].Type, Is.EqualTo(ServerType.Unknown));
    }

    [Test]
    public void A_member_of_another_set_is_removed()
    {
        var topology = TopologyDescription.Initial([A, B], "rs0", null).Apply(Member(B, ServerType.RSSecondary, setName: "other"));
        Assert.That(topology.Servers.ContainsKey(B), Is.False);
    }

    [Test]
    public void Hosts_the_primary_no_longer_lists_are_removed()
    {
        var topology = TopologyDescription.Initial([A, B, C], null, null)
            .Apply(Member(A, ServerType.RSPrimary, election: Election(1), hosts: [A, B]));
        Assert.That(topology.Servers.Keys, Is.EquivalentTo(new[] { A, B }));
    }

    [Test]
    public void An_unknown_primary_leaves_the_set_without_a_writable_server()
    {
        var topology = TopologyDescription.Initial([A], null, null)
            .Apply(Member(A, ServerType.RSPrimary, election: Election(1)))
            .Apply(ServerDescription.Unknown(A, "connection lost"));
        Assert.That(topology.Type, Is.EqualTo(TopologyType.ReplicaSetNoPrimary));
        Assert.That(topology.WritableServer, Is.Null);
        Assert.That(topology.Summarize(), Does.Contain("connection lost"));
    }

    [Test]
    public void Mongos_seeds_make_a_sharded_topology()
    {
        var topology = TopologyDescription.Initial([A, B], null, null)
            .Apply(new ServerDescription { EndPoint = A, Type = ServerType.Mongos })
            .Apply(Member(B, ServerType.RSPrimary));
        Assert.That(topology.Type, Is.EqualTo(TopologyType.Sharded));
        Assert.That(topology.Servers.Keys, Is.EquivalentTo(new[] { A }));
        Assert.That(topology.WritableServer?.EndPoint, Is.EqualTo(A));
    }

    [Test]
    public void Direct_connection_selects_its_one_server_whatever_its_role()
    {
        // server selection spec: in a Single topology the server is always selected; a secondary then refuses writes itself
        var topology = TopologyDescription.Initial([B], null, directConnection: true).Apply(Member(B, ServerType.RSSecondary));
        Assert.That(topology.Type, Is.EqualTo(TopologyType.Single));
        Assert.That(topology.Servers, Has.Count.EqualTo(1));
        Assert.That(topology.WritableServer?.EndPoint, Is.EqualTo(B));
    }

    [TestCase("host:27018", "host", 27018)]
    [TestCase("HOST", "host", 27017)]
    [TestCase("[::1]:27019", "::1", 27019)]
    [TestCase("[::1]", "::1", 27017)]
    public void Reported_addresses_are_parsed_and_lowercased(string text, string host, int port)
    {
        Assert.That(EndPointParser.TryParse(text), Is.EqualTo(new MongoEndPoint(host, port)));
    }

    [TestCase("")]
    [TestCase("host:notaport")]
    [TestCase("host:70000")]
    [TestCase("[::1")]
    [TestCase(":27017")]
    public void Malformed_addresses_are_ignored(string text)
    {
        Assert.That(EndPointParser.TryParse(text), Is.Null);
    }
}
