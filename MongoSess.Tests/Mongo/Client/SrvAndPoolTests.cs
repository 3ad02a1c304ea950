using MongoSessions.Mongo;
using MongoSessions.Mongo.Connections;
using MongoSessions.Mongo.Dns;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Mongo.Client;

[TestFixture]
public sealed class SrvAndPoolTests
{
    [TearDown]
    public Task CloseAsync() => MongoSess.CloseAsync();

    [Test]
    public async Task A_mongodb_srv_string_finds_the_replica_set_through_SRV_and_TXT_records()
    {
        await using var set = await MongoWireReplicaSet.StartAsync();
        await using var dns = FakeDnsServer.Start();
        // the members report themselves as 127.0.0.1:port, so the seeds only need to reach one of them
        dns.AddSrv("_mongodb._tcp.cluster0.example.test", "node0.example.test", 27017);
        dns.AddTxt("cluster0.example.test", $"replicaSet={set.SetName}&authSource=admin");
        var options = MongoTestConnections.Options("mongodb+srv://cluster0.example.test/app", "&tls=false");
        options.DnsClient = new DnsClient(new DnsServers([dns.EndPoint]), TimeSpan.FromSeconds(2));
        options.StreamOpener = new RoutingOpener(set);
        await MongoSess.ConnectAsync(options);
        Assert.That(MongoSess.IsConnected, Is.True);
        Assert.That(dns.UdpQueries, Is.GreaterThanOrEqualTo(2), "SRV and TXT were asked");
        Assert.That(set.Store.Find("app", "sessions"), Is.Not.Null);
    }

    /// <summary>Sends the SRV target's name to the first member, as an A record would.</summary>
    private sealed class RoutingOpener(MongoWireReplicaSet set) : IStreamOpener
    {
        public Task<Stream> OpenAsync(MongoEndPoint endPoint, ConnectionSettings settings, CancellationToken cancellationToken)
        {
            var target = endPoint.Host == "node0.example.test" ? new MongoEndPoint("127.0.0.1", set.Members[0].Port) : endPoint;
            return TcpStreamOpener.Instance.OpenAsync(target, settings, cancellationToken);
        }
    }

    [Test]
    public async Task SRV_targets_outside_the_domain_are_refused()
    {
        await using var dns = FakeDnsServer.Start();
        dns.AddSrv("_mongodb._tcp.cluster0.example.test", "evil.attacker.test", 27017);
        var options = MongoTestConnections.Options("mongodb+srv://cluster0.example.test/");
        options.DnsClient = new DnsClient(new DnsServers([dns.EndPoint]), TimeSpan.FromSeconds(2));
        Assert.ThrowsAsync<MongoSessConfigurationException>(() => MongoSess.ConnectAsync(options));
    }

    [Test]
    public async Task The_pool_opens_its_minimum_and_closes_connections_idle_too_long()
    {
        await using var server = MongoWireServer.Start();
        await using var store = await MongoTestConnections.ConnectAsync(server, "&minPoolSize=3&maxIdleTimeMS=200");
        var pool = store.Client.Cluster.Pools.Single();
        for (int i = 0; i < 200 && pool.IdleCount < 3; i++)
        {
            await Task.Delay(10);
        }
        Assert.That(pool.IdleCount, Is.GreaterThanOrEqualTo(3), "the monitor filled the pool to minPoolSize");
        int opened = server.Statistics.ConnectionsOpened;
        await Task.Delay(400);
        await store.CountAsync(DateTimeOffset.UtcNow, default);
        Assert.That(server.Statistics.ConnectionsOpened, Is.GreaterThan(opened), "idle connections past maxIdleTimeMS were replaced");
    }
}
