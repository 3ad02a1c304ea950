using MongoSessions.Mongo;
using MongoSessions.Mongo.Dns;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Mongo.Dns;

public sealed class SrvSeedlistTests
{
    private FakeDnsServer _server = null!;

    [SetUp]
    public void StartServer() => _server = FakeDnsServer.Start();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task Srv_and_txt_records_become_the_seeds_and_default_options()
    {
        _server.AddSrv("_mongodb._tcp.server.mongodb.com", "mongodb1.mongodb.com.", 27317, priority: 5, weight: 1);
        _server.AddSrv("_mongodb._tcp.server.mongodb.com", "mongodb2.mongodb.com.", 27017);
        _server.AddTxt("server.mongodb.com", "replicaSet=replProduction&authSource=authDB");

        var seedlist = await ResolveAsync("server.mongodb.com");

        Assert.That(seedlist.Hosts, Is.EqualTo(new[] { new MongoEndPoint("mongodb1.mongodb.com", 27317), new MongoEndPoint("mongodb2.mongodb.com", 27017) }));
        Assert.That(seedlist.TxtOptions, Is.EqualTo("replicaSet=replProduction&authSource=authDB"));
        Assert.That(seedlist.TxtOptionValues, Is.EqualTo(new KeyValuePair<string, string>[] { new("replicaSet", "replProduction"), new("authSource", "authDB") }));
    }

    [Test]
    public async Task No_txt_record_means_no_default_options()
    {
        _server.AddSrv("_mongodb._tcp.server.mongodb.com", "mongodb1.mongodb.com", 27017);

        var seedlist = await ResolveAsync("server.mongodb.com");

        Assert.That(seedlist.TxtOptions, Is.Null);
        Assert.That(seedlist.TxtOptionValues, Is.Empty);
    }

    [Test]
    public async Task A_custom_service_name_is_asked_for()
    {
        _server.AddSrv("_customname._tcp.test22.test.build.10gen.cc", "localhost.test.build.10gen.cc", 27017);

        var seedlist = await ResolveAsync("test22.test.build.10gen.cc", "customname");

        Assert.That(seedlist.Hosts.Single(), Is.EqualTo(new MongoEndPoint("localhost.test.build.10gen.cc", 27017)));
    }

    [Test]
    public async Task Host_names_are_compared_and_returned_in_lower_case()
    {
        _server.AddSrv("_mongodb._tcp.blogs.mongodb.com", "CLUSTER.MONGODB.COM.", 27017);

        var seedlist = await ResolveAsync("Blogs.MongoDB.com.");

        Assert.That(seedlist.Hosts.Single().Host, Is.EqualTo("cluster.mongodb.com"));
    }

    [Test]
    public async Task The_same_host_and_port_twice_is_one_seed()
    {
        _server.AddSrv("_mongodb._tcp.server.mongodb.com", "a.mongodb.com", 27017);
        _server.AddSrv("_mongodb._tcp.server.mongodb.com", "a.mongodb.com", 27017);

        var seedlist = await ResolveAsync("server.mongodb.com");

        Assert.That(seedlist.Hosts, Has.Count.EqualTo(1));
    }

    // spec prose test 1 (hosts of fewer than three parts are allowed) with the targets the current rule accepts
    [TestCase("localhost", "test.localhost")]
    [TestCase("mongo.local", "test_1.mongo.local")]
    [TestCase("mongo.local", "a.b.mongo.local")]
    [TestCase("blogs.mongodb.com", "cluster.mongodb.com")]
    [TestCase("blogs.mongodb.com", "a.b.mongodb.com")]
    // identical-hostnames-valid-three-parts / -four-parts: three or more parts may resolve to the host itself
    [TestCase("test.build.10gen.cc", "test.build.10gen.cc")]
    [TestCase("build.10gen.cc", "build.10gen.cc")]
    [TestCase("test18.test.build.10gen.cc", "localhost.sub.test.build.10gen.cc")]
    public async Task A_target_under_the_domain_name_is_accepted(string host, string target)
    {
        _server.AddSrv($"_mongodb._tcp.{host}", target, 27017);

        var seedlist = await ResolveAsync(host);

        Assert.That(seedlist.Hosts.Single().Host, Is.EqualTo(target));
    }

    // prose test 2: the target does not end with the domain name
    [TestCase("localhost", "localhost.mongodb")]
    [TestCase("mongo.local", "test_1.evil.local")]
    [TestCase("blogs.mongodb.com", "blogs.evil.com")]
    // prose test 3: one or two parts may not resolve to the host itself
    [TestCase("localhost", "localhost")]
    [TestCase("mongo.local", "mongo.local")]
    // prose test 4: the shared part must start at a dot
    [TestCase("localhost", "test_1.cluster_1localhost")]
    [TestCase("mongo.local", "test_1.my_hostmongo.local")]
    [TestCase("blogs.mongodb.com", "cluster.testmongodb.com")]
    // the spec's test12 to test17 and test19: the parent domain differs or the target is the domain itself
    [TestCase("test12.test.build.10gen.cc", "localhost.build.10gen.cc")]
    [TestCase("test13.test.build.10gen.cc", "test.build.10gen.cc")]
    [TestCase("test14.test.build.10gen.cc", "localhost.not-test.build.10gen.cc")]
    [TestCase("test15.test.build.10gen.cc", "localhost.test.not-build.10gen.cc")]
    [TestCase("test16.test.build.10gen.cc", "localhost.test.build.not-10gen.cc")]
    [TestCase("test17.test.build.10gen.cc", "localhost.test.build.10gen.not-cc")]
    [TestCase("test19.test.build.10gen.cc", "localhost.evil.build.10gen.cc")]
    public void A_target_outside_the_domain_name_is_refused(string host, string target)
    {
        _server.AddSrv($"_mongodb._tcp.{host}", target, 27017);

        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync(host));

        Assert.That(error.Message, Does.Contain($"points to '{target}'"));
    }

    [Test]
    public void One_bad_target_among_good_ones_refuses_them_all()
    {
        _server.AddSrv("_mongodb._tcp.test19.test.build.10gen.cc", "localhost.test.build.10gen.cc", 27017);
        _server.AddSrv("_mongodb._tcp.test19.test.build.10gen.cc", "localhost.evil.build.10gen.cc", 27017);

        Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync("test19.test.build.10gen.cc"));
    }

    [Test]
    public void A_root_target_says_the_service_is_not_there()
    {
        _server.AddSrv("_mongodb._tcp.server.mongodb.com", ".", 27017);

        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync("server.mongodb.com"));

        Assert.That(error.Message, Does.Contain("not available"));
    }

    [Test]
    public void No_srv_records_is_an_error_that_says_why()
    {
        _server.AddTxt("test4.test.build.10gen.cc", "replicaSet=repl0");

        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync("test4.test.build.10gen.cc"));

        Assert.That(error.Message, Does.Contain("no SRV records for '_mongodb._tcp.test4.test.build.10gen.cc'"));
    }

    [Test]
    public void A_name_that_does_not_exist_is_an_error_that_says_why()
    {
        _server.Fault = DnsFault.NameError;

        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync("nowhere.mongodb.com"));

        Assert.That(error.Message, Does.Contain("no SRV records"));
    }

    [Test]
    public void A_dns_failure_is_a_connection_error_that_names_the_lookup()
    {
        _server.Fault = DnsFault.ServerFailure;

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(() => ResolveAsync("server.mongodb.com"));

        Assert.That(error.Message, Does.StartWith("Could not look up its hosts (SRV) for mongodb+srv://server.mongodb.com"));
        Assert.That(error.Message, Does.Contain("SERVFAIL"));
    }

    [Test]
    public async Task Txt_strings_of_one_record_are_joined()
    {
        AddGoodSrv("test11.test.build.10gen.cc");
        _server.AddTxt("test11.test.build.10gen.cc", "replicaS", "et=rep", "l0");

        var seedlist = await ResolveAsync("test11.test.build.10gen.cc");

        Assert.That(seedlist.TxtOptionValues.Single(), Is.EqualTo(new KeyValuePair<string, string>("replicaSet", "repl0")));
    }

    [Test]
    public async Task Txt_options_are_percent_decoded_and_keys_spelled_canonically()
    {
        AddGoodSrv("test5.test.build.10gen.cc");
        _server.AddTxt("test5.test.build.10gen.cc", "AUTHSOURCE=my%2Fdb%C3%A9x&loadbalanced=true");

        var seedlist = await ResolveAsync("test5.test.build.10gen.cc");

        Assert.That(seedlist.TxtOptionValues, Is.EqualTo(new KeyValuePair<string, string>[] { new("authSource", "my/dbéx"), new("loadBalanced", "true") }));
    }

    [Test]
    public void Several_txt_records_are_an_error()
    {
        AddGoodSrv("test6.test.build.10gen.cc");
        _server.AddTxt("test6.test.build.10gen.cc", "replicaSet=repl0");
        _server.AddTxt("test6.test.build.10gen.cc", "authSource=otherDB");

        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync("test6.test.build.10gen.cc"));

        Assert.That(error.Message, Does.Contain("2 TXT records"));
    }

    [TestCase("ssl=false", "'ssl' may not be set")]
    [TestCase("tls=false", "'tls' may not be set")]
    [TestCase("socketTimeoutMS=500", "'socketTimeoutMS' may not be set")]
    [TestCase("replicaSet=repl0&w=0", "'w' may not be set")]
    [TestCase("authSource", "not a key=value pair")]
    [TestCase("authSource=", "not a key=value pair")]
    [TestCase("=admin", "not a key=value pair")]
    [TestCase("replicaSet=a&&authSource=b", "not a key=value pair")]
    [TestCase("authSource=a%2", "percent-encoded")]
    [TestCase("authSource=a%zz", "percent-encoded")]
    [TestCase("authSource=a&authsource=b", "appears twice")]
    public void A_malformed_or_disallowed_txt_option_is_an_error(string txt, string reason)
    {
        AddGoodSrv("test7.test.build.10gen.cc");
        _server.AddTxt("test7.test.build.10gen.cc", txt);

        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync("test7.test.build.10gen.cc"));

        Assert.That(error.Message, Does.Contain(reason));
    }

    [TestCase(null, 3)]
    [TestCase(0, 3)]
    [TestCase(3, 3)]
    [TestCase(5, 3)]
    [TestCase(2, 2)]
    [TestCase(1, 1)]
    public async Task SrvMaxHosts_limits_the_seeds_to_a_subset(int? srvMaxHosts, int expected)
    {
        var all = new[] { "a", "b", "c" }.Select(h => new MongoEndPoint($"{h}.test.build.10gen.cc", 27017)).ToArray();
        foreach (var host in all)
        {
            _server.AddSrv("_mongodb._tcp.test1.test.build.10gen.cc", host.Host, host.Port);
        }

        var seedlist = await ResolveAsync("test1.test.build.10gen.cc", srvMaxHosts: srvMaxHosts);

        Assert.That(seedlist.Hosts, Has.Count.EqualTo(expected).And.Unique.And.SubsetOf(all));
    }

    [Test]
    public async Task SrvMaxHosts_picks_every_host_sometimes()
    {
        var all = Enumerable.Range(0, 4).Select(i => new MongoEndPoint($"h{i}.test.build.10gen.cc", 27017)).ToArray();
        foreach (var host in all)
        {
            _server.AddSrv("_mongodb._tcp.test1.test.build.10gen.cc", host.Host, host.Port);
        }
        var picked = new HashSet<MongoEndPoint>();

        // 40 picks of one of four: each host is missed every time with probability (3/4)^40, about 1e-5
        for (var i = 0; i < 40 && picked.Count < all.Length; i++)
        {
            picked.UnionWith((await ResolveAsync("test1.test.build.10gen.cc", srvMaxHosts: 1)).Hosts);
        }

        Assert.That(picked, Is.EquivalentTo(all));
    }

    [Test]
    public void A_negative_srvMaxHosts_is_refused_before_any_query()
    {
        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync("test1.test.build.10gen.cc", srvMaxHosts: -1));

        Assert.That(error.Message, Does.Contain("srvMaxHosts must be 0 (no limit) or more"));
        Assert.That(_server.Queries, Is.Empty);
    }

    [TestCase("")]
    [TestCase("-mongodb")]
    [TestCase("mongodb-")]
    [TestCase("mongo--db")]
    [TestCase("mongo_db")]
    [TestCase("12345")]
    [TestCase("a.b")]
    public void An_invalid_service_name_is_refused_before_any_query(string serviceName)
    {
        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync("server.mongodb.com", serviceName));

        Assert.That(error.Message, Does.Contain("srvServiceName"));
        Assert.That(_server.Queries, Is.Empty);
    }

    [Test]
    public async Task A_service_name_longer_than_15_characters_is_allowed()
    {
        _server.AddSrv("_a-rather-long-service-name._tcp.server.mongodb.com", "a.mongodb.com", 27017);

        var seedlist = await ResolveAsync("server.mongodb.com", "a-rather-long-service-name");

        Assert.That(seedlist.Hosts, Has.Count.EqualTo(1));
    }

    [TestCase("", "needs a host name")]
    [TestCase("192.0.2.1", "not the IP address")]
    [TestCase("::1", "not the IP address")]
    [TestCase("bad..host", "empty label")]
    public void A_host_that_cannot_have_srv_records_is_refused_before_any_query(string host, string reason)
    {
        var error = Assert.ThrowsAsync<MongoSessConfigurationException>(() => ResolveAsync(host));

        Assert.That(error.Message, Does.Contain(reason));
        Assert.That(_server.Queries, Is.Empty);
    }

    [Test]
    public void Domain_name_drops_the_first_label_only_from_three_or_more()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SrvSeedlist.DomainName("cluster_1.tests.mongodb.co.uk"), Is.EqualTo("tests.mongodb.co.uk"));
            Assert.That(SrvSeedlist.DomainName("hosts_34.example.com"), Is.EqualTo("example.com"));
            Assert.That(SrvSeedlist.DomainName("mongodb.local"), Is.EqualTo("mongodb.local"));
            Assert.That(SrvSeedlist.DomainName("localhost"), Is.EqualTo("localhost"));
        });
    }

    private void AddGoodSrv(string host) => _server.AddSrv($"_mongodb._tcp.{host}", $"localhost.{SrvSeedlist.DomainName(host)}", 27017);

    private Task<SrvSeedlist> ResolveAsync(string host, string serviceName = SrvSeedlist.DefaultServiceName, int? srvMaxHosts = null) =>
        SrvSeedlist.ResolveAsync(host, serviceName, srvMaxHosts, new DnsClient(new DnsServers([_server.EndPoint]), TimeSpan.FromMilliseconds(500), attempts: 1), CancellationToken.None);
}
