using MongoSessions.Mongo;

namespace MongoSessions.Tests.Mongo;

public sealed class SrvConnectionStringTests
{
    private const string Srv = "mongodb+srv://alice:Hunter2-Pw@cluster0.example.com";

    private static readonly MongoEndPoint[] s_records =
    [
        new("shard-00.example.com", 27017), new("shard-01.example.com", 27017), new("shard-02.example.com", 27018),
    ];

    [Test]
    public void An_srv_string_names_one_host_for_the_lookup()
    {
        var parsed = ConnectionString.Parse(Srv + "/app?srvServiceName=custom");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.IsSrv, Is.True);
            Assert.That(parsed.SrvHostName, Is.EqualTo("cluster0.example.com"));
            Assert.That(parsed.Hosts, Is.EqualTo(new[] { new MongoEndPoint("cluster0.example.com", 27017) }));
            Assert.That(parsed.Options.SrvServiceName, Is.EqualTo("custom"));
            Assert.That(parsed.Database, Is.EqualTo("app"));
        }
    }

    [TestCase("mongodb+srv://cluster0.example.com:27017", "without a port")]
    [TestCase("mongodb+srv://a.example.com,b.example.com", "exactly one host")]
    [TestCase("mongodb+srv://10.0.0.1", "not an IP address")]
    [TestCase("mongodb+srv://[::1]", "without a port")]
    [TestCase("mongodb+srv://%2Ftmp%2Fmongodb.sock", "socket path")]
    [TestCase("mongodb+srv://cluster0.example.com/?directConnection=true", "directConnection")]
    [TestCase("mongodb+srv://cluster0.example.com/?srvMaxHosts=2&replicaSet=rs0", "srvMaxHosts")]
    public void Srv_rules_are_checked_before_any_lookup(string uri, string problem)
    {
        var error = Assert.Throws<MongoSessConfigurationException>(() => ConnectionString.Parse(uri));

        Assert.That(error!.Message, Does.Contain(problem));
    }

    [Test]
    public void Direct_connection_false_is_allowed_with_srv()
    {
        Assert.That(ConnectionString.Parse(Srv + "/?directConnection=false").Options.DirectConnection, Is.False);
    }

    [Test]
    public void Resolved_records_replace_the_hosts_and_keep_everything_else()
    {
        var parsed = ConnectionString.Parse(Srv + "/app/sessions?foo=1&tls=false");

        var resolved = parsed.WithSrvRecords(s_records, null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resolved.Hosts, Is.EqualTo(s_records));
            Assert.That((resolved.IsSrv, resolved.SrvHostName), Is.EqualTo((true, "cluster0.example.com")));
            Assert.That((resolved.Username, resolved.Password), Is.EqualTo(("alice", "Hunter2-Pw")));
            Assert.That((resolved.Database, resolved.Collection), Is.EqualTo(("app", "sessions")));
            Assert.That(resolved.EffectiveTls, Is.False);
            Assert.That(resolved.Warnings, Is.EqualTo(parsed.Warnings));
            Assert.That(resolved.ToString(), Is.EqualTo("mongodb+srv://alice:*****@cluster0.example.com/app/sessions?foo=1&tls=false"));
            Assert.That(parsed.Hosts, Has.Count.EqualTo(1), "the original is unchanged");
        }
    }

    [Test]
    public void Txt_options_fill_in_what_the_string_does_not_say()
    {
        var parsed = ConnectionString.Parse(Srv + "/?authSource=fromUri");

        var resolved = parsed.WithSrvRecords(s_records, "replicaSet=rs0&authSource=fromTxt");

        Assert.That((resolved.Options.ReplicaSet, resolved.Options.AuthSource), Is.EqualTo(("rs0", "fromUri")));
        Assert.That(resolved.EffectiveTls, Is.True);
    }

    [Test]
    public void Load_balanced_from_txt_is_applied_with_one_host()
    {
        var resolved = ConnectionString.Parse(Srv).WithSrvRecords(s_records[..1], "loadBalanced=true");

        Assert.That(resolved.Options.LoadBalanced, Is.True);
    }

    [TestCase("ssl=false", "ssl")]
    [TestCase("tls=false", "tls")]
    [TestCase("authMechanism=PLAIN", "authMechanism")]
    [TestCase("replicaSet", "key=value")]
    [TestCase("loadBalanced=true", "loadBalanced=true needs exactly one host")]
    public void A_txt_record_may_only_set_auth_source_replica_set_and_load_balanced(string txt, string problem)
    {
        var parsed = ConnectionString.Parse(Srv);

        var error = Assert.Throws<MongoSessConfigurationException>(() => parsed.WithSrvRecords(s_records, txt));

        Assert.That(error!.Message, Does.Contain(problem).And.Not.Contain("Hunter2-Pw"));
    }

    [Test]
    public void Srv_max_hosts_is_checked_again_against_a_txt_replica_set()
    {
        var parsed = ConnectionString.Parse(Srv + "/?srvMaxHosts=2");

        Assert.Throws<MongoSessConfigurationException>(() => parsed.WithSrvRecords(s_records, "replicaSet=rs0"));
    }

    [Test]
    public void Srv_max_hosts_picks_that_many_distinct_records()
    {
        var parsed = ConnectionString.Parse(Srv + "/?srvMaxHosts=2");

        for (int attempt = 0; attempt < 20; attempt++)
        {
            var hosts = parsed.WithSrvRecords(s_records, null).Hosts;
            Assert.That(hosts, Has.Count.EqualTo(2).And.Unique.And.SubsetOf(s_records));
        }
    }

    [Test]
    public void No_records_is_an_error_and_a_plain_string_has_none_to_merge()
    {
        Assert.Throws<MongoSessConfigurationException>(() => ConnectionString.Parse(Srv).WithSrvRecords([], null));
        Assert.Throws<InvalidOperationException>(() => ConnectionString.Parse("mongodb://localhost").WithSrvRecords(s_records, null));
    }
}
