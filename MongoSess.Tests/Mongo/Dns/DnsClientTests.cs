using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using MongoSessions.Mongo.Dns;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Mongo.Dns;

public sealed class DnsClientTests
{
    private const string SrvName = "_mongodb._tcp.cluster0.example.com";
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(3);

    private FakeDnsServer _server = null!;

    [SetUp]
    public void StartServer() => _server = FakeDnsServer.Start();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task Srv_query_returns_every_record_with_the_target_without_its_dot()
    {
        _server.AddSrv(SrvName, "shard-00.example.com.", 27017, priority: 1, weight: 5);
        _server.AddSrv(SrvName, "shard-01.example.com.", 27018);

        var records = await Client().QuerySrvAsync(SrvName, CancellationToken.None);

        Assert.That(records, Is.EqualTo(new[]
        {
            new SrvRecord(1, 5, 27017, "shard-00.example.com"),
            new SrvRecord(0, 0, 27018, "shard-01.example.com"),
        }));
    }

    [Test]
    public async Task Txt_query_joins_the_strings_of_one_record_in_order()
    {
        _server.AddTxt("cluster0.example.com", "replicaS", "et=rep", "l0");

        var records = await Client().QueryTxtAsync("cluster0.example.com", CancellationToken.None);

        Assert.That(records, Is.EqualTo(new[] { "replicaSet=repl0" }));
    }

    [Test]
    public async Task Txt_query_keeps_separate_records_apart()
    {
        _server.AddTxt("cluster0.example.com", "replicaSet=repl0");
        _server.AddTxt("cluster0.example.com", "authSource=admin");

        var records = await Client().QueryTxtAsync("cluster0.example.com", CancellationToken.None);

        Assert.That(records, Is.EquivalentTo(new[] { "replicaSet=repl0", "authSource=admin" }));
    }

    [Test]
    public async Task Queries_ask_for_recursion_with_a_fresh_random_id()
    {
        _server.AddTxt("cluster0.example.com", "authSource=admin");
        var client = Client();

        for (var i = 0; i < 4; i++)
        {
            await client.QueryTxtAsync("cluster0.example.com", CancellationToken.None);
        }

        var queries = _server.Queries.ToArray();
        Assert.That(queries, Has.Length.EqualTo(4));
        Assert.That(queries.Select(q => q[2] & 0x01), Is.All.EqualTo(1), "RD bit");
        Assert.That(queries.Select(q => BinaryPrimitives.ReadUInt16BigEndian(q)).Distinct().Count(), Is.GreaterThan(1), "ids");
    }

    [Test]
    public async Task A_truncated_udp_reply_is_asked_again_over_tcp()
    {
        _server.AddSrv(SrvName, "shard-00.example.com", 27017);
        _server.Fault = DnsFault.Truncate;

        var records = await Client().QuerySrvAsync(SrvName, CancellationToken.None);

        Assert.That(records.Single().Target, Is.EqualTo("shard-00.example.com"));
        Assert.That((_server.UdpQueries, _server.TcpQueries), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task An_answer_too_large_for_a_datagram_arrives_whole_over_tcp()
    {
        for (var i = 0; i < 40; i++)
        {
            _server.AddSrv(SrvName, $"shard-{i:00}.example.com", 27017 + i);
        }

        var records = await Client().QuerySrvAsync(SrvName, CancellationToken.None);

        Assert.That(records.Select(r => r.Port), Is.EqualTo(Enumerable.Range(27017, 40)));
        Assert.That(_server.TcpQueries, Is.EqualTo(1));
    }

    [Test]
    public async Task A_name_that_does_not_exist_has_no_records()
    {
        _server.AddSrv(SrvName, "shard-00.example.com", 27017);
        _server.Fault = DnsFault.NameError;

        var records = await Client().QuerySrvAsync(SrvName, CancellationToken.None);

        Assert.That(records, Is.Empty);
    }

    [Test]
    public async Task A_name_without_records_of_the_asked_type_has_none()
    {
        _server.AddTxt(SrvName, "not an SRV record");

        var records = await Client().QuerySrvAsync(SrvName, CancellationToken.None);

        Assert.That(records, Is.Empty);
    }

    [Test]
    public async Task Records_behind_a_cname_are_followed_within_the_answer()
    {
        _server.AddCname(SrvName, "_mongodb._tcp.elsewhere.example.com");
        _server.AddSrv("_mongodb._tcp.elsewhere.example.com", "shard-00.example.com", 27017);

        var records = await Client().QuerySrvAsync(SrvName, CancellationToken.None);

        Assert.That(records.Single().Target, Is.EqualTo("shard-00.example.com"));
    }

    [TestCase(DnsFault.Silent, "did not answer within 150 ms")]
    [TestCase(DnsFault.WrongId, "1 other datagram(s) ignored")]
    [TestCase(DnsFault.Garbage, "instead of the one asked")]
    [TestCase(DnsFault.PointerLoop, "loop")]
    [TestCase(DnsFault.ServerFailure, "SERVFAIL")]
    [TestCase(DnsFault.TruncatedRecord, "the message ends")]
    public async Task A_faulty_server_ends_in_a_clear_error_in_bounded_time(DnsFault fault, string reason)
    {
        _server.AddSrv(SrvName, "shard-00.example.com", 27017);
        _server.Fault = fault;
        var stopwatch = Stopwatch.StartNew();

        var error = await FailsWithin(Client().QuerySrvAsync(SrvName, CancellationToken.None));

        Assert.That(stopwatch.Elapsed, Is.LessThan(s_bound));
        Assert.That(error.Message, Does.Contain($"SRV query for '{SrvName}'"));
        Assert.That(error.Message, Does.Contain(_server.EndPoint.ToString()));
        Assert.That(error.Message, Does.Contain(reason));
    }

    [Test]
    public async Task A_failing_server_is_skipped_for_the_next_one()
    {
        await using var good = FakeDnsServer.Start();
        good.AddSrv(SrvName, "shard-00.example.com", 27017);
        _server.Fault = DnsFault.Silent;
        var client = new DnsClient(new DnsServers([_server.EndPoint, good.EndPoint]), s_shortTimeout, attempts: 2);

        var records = await client.QuerySrvAsync(SrvName, CancellationToken.None);

        Assert.That(records, Has.Count.EqualTo(1));
        Assert.That((_server.UdpQueries, good.UdpQueries), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task Every_failed_try_is_named_in_the_error()
    {
        _server.Fault = DnsFault.ServerFailure;
        var client = new DnsClient(new DnsServers([_server.EndPoint]), s_shortTimeout, attempts: 3);

        var error = await FailsWithin(client.QuerySrvAsync(SrvName, CancellationToken.None));

        Assert.That(_server.UdpQueries, Is.EqualTo(3));
        Assert.That(error.Message.Split("SERVFAIL"), Has.Length.EqualTo(4));
    }

    [Test]
    public async Task A_port_without_a_server_ends_in_a_clear_error()
    {
        var nobody = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var client = new DnsClient(new DnsServers([nobody]), s_shortTimeout, attempts: 1);

        var error = await FailsWithin(client.QuerySrvAsync(SrvName, CancellationToken.None));

        Assert.That(error.Message, Does.Contain(nobody.ToString()));
    }

    [Test]
    public void An_invalid_name_is_a_configuration_error_and_sends_nothing()
    {
        var name = $"_mongodb._tcp.{new string('a', 64)}.example.com";

        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => Client().QuerySrvAsync(name, CancellationToken.None));

        Assert.That(error.Message, Does.Contain("longer than 63"));
        Assert.That(_server.Queries, Is.Empty);
    }

    [Test]
    public void Cancellation_stops_a_query_waiting_for_a_silent_server()
    {
        _server.Fault = DnsFault.Silent;
        var client = new DnsClient(new DnsServers([_server.EndPoint]), TimeSpan.FromSeconds(30), attempts: 2);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var stopwatch = Stopwatch.StartNew();

        Assert.CatchAsync<OperationCanceledException>(() => client.QuerySrvAsync(SrvName, cancel.Token));
        Assert.That(stopwatch.Elapsed, Is.LessThan(s_bound));
    }

    private DnsClient Client() => new(new DnsServers([_server.EndPoint]), s_shortTimeout, attempts: 1);

    private static async Task<MongoSessConnectionException> FailsWithin<T>(Task<T> query)
    {
        var finished = await Task.WhenAny(query, Task.Delay(s_bound));
        Assert.That(finished, Is.SameAs(query), $"the query did not end within {s_bound.TotalSeconds} s");
        return Assert.ThrowsAsync<MongoSessConnectionException>(() => query)!;
    }
}
