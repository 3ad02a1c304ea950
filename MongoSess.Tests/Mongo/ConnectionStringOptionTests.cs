using MongoSessions.Mongo;

namespace MongoSessions.Tests.Mongo;

public sealed class ConnectionStringOptionTests
{
    [Test]
    public void Connection_and_timeout_options_are_read_with_their_units()
    {
        var o = Options("appname=URI-TEST&connectTimeoutMS=20000&heartbeatFrequencyMS=5000&maxIdleTimeMS=50000&replicaSet=rs0" +
            "&retryWrites=true&retryReads=false&serverSelectionTimeoutMS=15000&socketTimeoutMS=7500&waitQueueTimeoutMS=100");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(o.AppName, Is.EqualTo("URI-TEST"));
            Assert.That(o.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(o.HeartbeatFrequency, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(o.MaxIdleTime, Is.EqualTo(TimeSpan.FromSeconds(50)));
            Assert.That(o.ReplicaSet, Is.EqualTo("rs0"));
            Assert.That((o.RetryWrites, o.RetryReads), Is.EqualTo((true, false)));
            Assert.That(o.ServerSelectionTimeout, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(o.SocketTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(7500)));
            Assert.That(o.WaitQueueTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        }
    }

    [Test]
    public void Options_not_given_are_null()
    {
        var o = Options("");

        Assert.That(o, Is.EqualTo(new ConnectionStringOptions()));
    }

    [TestCase("w=majority", null, "majority")]
    [TestCase("w=2", 2, null)]
    [TestCase("w=0", 0, null)]
    public void W_is_a_count_or_a_mode(string query, int? count, string? mode)
    {
        var w = Options(query).W!;

        Assert.That((w.Count, w.Mode), Is.EqualTo((count, mode)));
    }

    [Test]
    public void Write_concern_options_are_read()
    {
        var o = Options("w=1&journal=true&wTimeoutMS=3000000000");

        Assert.That((o.W?.Count, o.Journal, o.WTimeout), Is.EqualTo(((int?)1, (bool?)true, (TimeSpan?)TimeSpan.FromMilliseconds(3_000_000_000))));
    }

    [Test]
    public void Keys_are_case_insensitive_and_mechanisms_take_their_canonical_spelling()
    {
        var parsed = ConnectionString.Parse("mongodb://u:p@localhost/?AUTHMECHANISM=scram-sha-1&AuthSource=admin&TLS=TRUE");

        Assert.That((parsed.Options.AuthMechanism, parsed.Options.AuthSource, parsed.Options.Tls), Is.EqualTo(("SCRAM-SHA-1", "admin", (bool?)true)));
        Assert.That(parsed.Warnings, Is.Empty);
    }

    [Test]
    public void Mechanism_properties_keep_colons_inside_values()
    {
        var o = Options("authMechanismProperties=TOKEN_RESOURCE:mongodb://test-cluster,ENVIRONMENT:azure");

        Assert.That(o.AuthMechanismProperties, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["TOKEN_RESOURCE"] = "mongodb://test-cluster",
            ["ENVIRONMENT"] = "azure",
        }));
    }

    [TestCase("authMechanismProperties=TOKEN_RESOURCE:mongodb://host1%2Chost2", "authMechanismProperties")]
    [TestCase("connectTimeoutMS=", "connectTimeoutMS")]
    [TestCase("connectTimeoutMS=-1", "connectTimeoutMS")]
    [TestCase("maxPoolSize=99999999999", "maxPoolSize")]
    [TestCase("heartbeatFrequencyMS=499", "heartbeatFrequencyMS")]
    [TestCase("serverSelectionTimeoutMS=0", "serverSelectionTimeoutMS")]
    [TestCase("journal=1", "journal")]
    [TestCase("retryWrites=yes", "retryWrites")]
    [TestCase("w=-1", "w")]
    [TestCase("w=", "w")]
    [TestCase("replicaSet=", "replicaSet")]
    [TestCase("srvServiceName=bad_name", "srvServiceName")]
    public void An_invalid_value_is_ignored_with_a_warning_naming_the_option(string query, string option)
    {
        var parsed = ConnectionString.Parse(query.StartsWith("srv", StringComparison.Ordinal)
            ? "mongodb+srv://cluster.example.com/?" + query
            : "mongodb://localhost/?" + query);

        Assert.That(parsed.Options, Is.EqualTo(new ConnectionStringOptions()));
        Assert.That(parsed.Warnings, Has.One.Contains(option).And.One.Contains("ignored"));
    }

    [Test]
    public void An_app_name_may_be_128_bytes_but_not_more()
    {
        Assert.That(Options("appName=" + new string('a', 128)).AppName, Has.Length.EqualTo(128));
        Assert.That(ConnectionString.Parse("mongodb://localhost/?appName=" + new string('é', 65)).Warnings, Has.One.Contains("128 bytes"));
    }

    [Test]
    public void Unknown_and_unsupported_options_are_ignored_with_different_warnings()
    {
        var parsed = ConnectionString.Parse("mongodb://localhost/?fsync=true&readPreference=secondary");

        Assert.That(parsed.Warnings, Has.Count.EqualTo(2));
        Assert.That(parsed.Warnings[0], Does.Contain("'fsync'").And.Contain("unknown"));
        Assert.That(parsed.Warnings[1], Does.Contain("readPreference").And.Contain("not supported by MongoSess"));
    }

    [Test]
    public void A_repeated_option_warns_and_the_last_value_wins()
    {
        var parsed = ConnectionString.Parse("mongodb://localhost/?replicaSet=a&replicaSet=b");

        Assert.That(parsed.Options.ReplicaSet, Is.EqualTo("b"));
        Assert.That(parsed.Warnings, Has.One.Contains("replicaSet").And.One.Contains("2 times"));
    }

    [TestCase("authMechanism=MONGODB-X509")]
    [TestCase("authMechanism=GSSAPI")]
    [TestCase("authMechanism=PLAIN")]
    [TestCase("authMechanism=MONGODB-AWS")]
    [TestCase("authMechanism=MONGODB-OIDC")]
    public void An_unsupported_mechanism_is_an_error_that_says_so(string query)
    {
        var error = Assert.Throws<MongoSessConfigurationException>(() => ConnectionString.Parse("mongodb://u:s3cr3t-pw@localhost/?" + query));

        Assert.That(error!.Message, Does.Contain(query.Split('=')[1]).And.Contain("not supported by MongoSess").And.Contain("SCRAM-SHA-256")
            .And.Not.Contain("s3cr3t-pw"));
    }

    [TestCase("authMechanism=SCRAM-SHA-512", "unknown mechanism")]
    [TestCase("authMechanism=SCRAM-SHA-256", "needs a user name")]
    [TestCase("minPoolSize=10&maxPoolSize=5", "minPoolSize")]
    [TestCase("w=0&journal=true", "w=0")]
    [TestCase("tlsInsecure=true&tlsAllowInvalidHostnames=true", "tlsInsecure")]
    [TestCase("loadBalanced=true&replicaSet=rs0", "loadBalanced")]
    [TestCase("srvMaxHosts=2", "mongodb+srv")]
    public void A_forbidden_combination_is_an_error(string query, string problem)
    {
        var error = Assert.Throws<MongoSessConfigurationException>(() => ConnectionString.Parse("mongodb://localhost/?" + query));

        Assert.That(error!.Message, Does.Contain(problem));
    }

    [Test]
    public void Max_pool_size_zero_means_no_maximum_so_any_minimum_is_allowed()
    {
        var o = Options("minPoolSize=10&maxPoolSize=0");

        Assert.That((o.MinPoolSize, o.MaxPoolSize), Is.EqualTo(((int?)10, (int?)0)));
    }

    [TestCase("mongodb://localhost", false)]
    [TestCase("mongodb://localhost/?tls=true", true)]
    [TestCase("mongodb://localhost/?ssl=true", true)]
    [TestCase("mongodb://localhost/?tlsCAFile=ca.pem", true)]
    [TestCase("mongodb://localhost/?tlsAllowInvalidHostnames=false", true)]
    [TestCase("mongodb://localhost/?tlsCAFile=ca.pem&tls=false", false)]
    [TestCase("mongodb+srv://cluster.example.com", true)]
    [TestCase("mongodb+srv://cluster.example.com/?tls=false", false)]
    public void Tls_is_on_when_asked_for_for_srv_and_when_other_tls_options_are_given(string uri, bool tls)
    {
        Assert.That(ConnectionString.Parse(uri).EffectiveTls, Is.EqualTo(tls));
    }

    [Test]
    public void Readme_lists_every_option_that_is_ignored_as_unsupported()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "MongoSess.sln")))
        {
            root = root.Parent;
        }
        Assert.That(root, Is.Not.Null, "repository root");
        string readme = File.ReadAllText(Path.Combine(root!.FullName, "README.md"));

        Assert.That(UriOptionNames.Unsupported, Has.All.Matches<string>(name => readme.Contains($"`{name}`", StringComparison.Ordinal)));
    }

    private static ConnectionStringOptions Options(string query)
    {
        var parsed = ConnectionString.Parse("mongodb://localhost/?" + query);
        Assert.That(parsed.Warnings, Is.Empty, "warnings");
        return parsed.Options;
    }
}
