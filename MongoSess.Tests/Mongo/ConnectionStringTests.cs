using MongoSessions.Mongo;

namespace MongoSessions.Tests.Mongo;

public sealed class ConnectionStringTests
{
    private const string Secret = "Hunter2-Pw-5d1e";

    [Test]
    public void A_path_with_two_segments_names_the_database_and_the_collection()
    {
        var parsed = ConnectionString.Parse("mongodb://localhost/app/web%20sessions?retryWrites=true");

        Assert.That((parsed.Database, parsed.Collection), Is.EqualTo(("app", "web sessions")));
    }

    [TestCase("mongodb://localhost/app.sessions", "app.sessions")]
    [TestCase("mongodb://localhost/app", "app")]
    [TestCase("mongodb://localhost/app/", "app")]
    [TestCase("mongodb://localhost/admin%3F?w=1", "admin?")]
    public void A_single_segment_is_only_the_database_even_with_dots(string uri, string database)
    {
        var parsed = ConnectionString.Parse(uri);

        Assert.That((parsed.Database, parsed.Collection), Is.EqualTo((database, (string?)null)));
    }

    [TestCase("mongodb://localhost")]
    [TestCase("mongodb://localhost/")]
    [TestCase("mongodb://localhost?tls=true")]
    public void No_path_means_no_database_and_no_collection(string uri)
    {
        var parsed = ConnectionString.Parse(uri);

        Assert.That((parsed.Database, parsed.Collection), Is.EqualTo(((string?)null, (string?)null)));
    }

    [Test]
    public void User_information_is_percent_decoded()
    {
        var parsed = ConnectionString.Parse("mongodb://%40l%3Ace%2F:p%40ss%3Aw%2Frd%C3%A4@localhost");

        Assert.That((parsed.Username, parsed.Password), Is.EqualTo(("@l:ce/", "p@ss:w/rdä")));
    }

    [TestCase("mongodb://alice@localhost", null)]
    [TestCase("mongodb://alice:@localhost", "")]
    public void A_missing_password_is_null_and_an_empty_one_is_empty(string uri, string? password)
    {
        var parsed = ConnectionString.Parse(uri);

        Assert.That((parsed.Username, parsed.Password), Is.EqualTo(("alice", password)));
    }

    [Test]
    public void Several_hosts_keep_their_order_with_the_default_port_where_none_is_given()
    {
        var parsed = ConnectionString.Parse("mongodb://a.example.com,[::1]:27018,10.0.0.7:27019,[fe80::1]/db");

        Assert.That(parsed.Hosts, Is.EqualTo(new[]
        {
            new MongoEndPoint("a.example.com", 27017),
            new MongoEndPoint("::1", 27018),
            new MongoEndPoint("10.0.0.7", 27019),
            new MongoEndPoint("fe80::1", 27017),
        }));
        Assert.That(parsed.Hosts[1].ToString(), Is.EqualTo("[::1]:27018"));
    }

    [Test]
    public void A_percent_encoded_socket_path_is_parsed_as_a_unix_socket()
    {
        var parsed = ConnectionString.Parse("mongodb://%2Ftmp%2Fmongodb-27017.sock,localhost/app");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.Hosts[0].Host, Is.EqualTo("/tmp/mongodb-27017.sock"));
            Assert.That(ConnectionString.IsUnixSocketHost(parsed.Hosts[0]), Is.True);
            Assert.That(ConnectionString.IsUnixSocketHost(parsed.Hosts[1]), Is.False);
            Assert.That(parsed.IsUnixSocket, Is.True);
            Assert.That(ConnectionString.Parse("mongodb://localhost").IsUnixSocket, Is.False);
        }
    }

    [TestCase("mongodb://alice:" + Secret + "@localhost/db?tls=true", "mongodb://alice:*****@localhost/db?tls=true")]
    [TestCase("mongodb://alice:" + Secret + "@h1,h2", "mongodb://alice:*****@h1,h2")]
    [TestCase("mongodb://alice:@localhost", "mongodb://alice:*****@localhost")]
    [TestCase("mongodb://alice@localhost/db", "mongodb://alice@localhost/db")]
    [TestCase("mongodb://localhost/?tlsCertificateKeyFilePassword=" + Secret + "&w=1", "mongodb://localhost/?tlsCertificateKeyFilePassword=*****&w=1")]
    public void ToString_replaces_the_password_and_secret_option_values(string uri, string expected)
    {
        Assert.That(ConnectionString.Parse(uri).ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void Warnings_name_the_option_but_never_the_password_or_a_value()
    {
        var parsed = ConnectionString.Parse($"mongodb://alice:{Secret}@localhost/?foo={Secret}&compressors=zlib&connectTimeoutMS={Secret}");

        Assert.That(parsed.Warnings, Has.Count.EqualTo(3));
        Assert.That(parsed.Warnings, Has.None.Contains(Secret));
        Assert.That(parsed.Warnings, Has.Some.Contains("'foo'").And.Some.Contains("compressors").And.Some.Contains("connectTimeoutMS"));
    }

    [TestCase("mongo://alice:" + Secret + "@localhost", "mongodb://")]
    [TestCase("mongodb://alice:" + Secret + "@", "no host")]
    [TestCase("mongodb://alice:" + Secret, "port")]
    [TestCase("mongodb://alice:" + Secret + "@@localhost", "'@'")]
    [TestCase("mongodb://alice:" + Secret + ":x@localhost", "more than one ':'")]
    [TestCase("mongodb://alice:" + Secret + "%zz@localhost", "'%'")]
    [TestCase("mongodb://alice:Hunter2/" + Secret + "@localhost/db", "percent-encode")]
    [TestCase("mongodb://alice:Hunter2?" + Secret + "@localhost/db", "percent-encode")]
    [TestCase("mongodb://:" + Secret + "@localhost", "no user name")]
    [TestCase("mongodb://alice:" + Secret + "@localhost:0", "port")]
    [TestCase("mongodb://alice:" + Secret + "@localhost:65536", "port")]
    [TestCase("mongodb://alice:" + Secret + "@localhost::27017", "IPv6")]
    [TestCase("mongodb://alice:" + Secret + "@[::1", "IPv6")]
    [TestCase("mongodb://alice:" + Secret + "@[::1]x", "IPv6")]
    [TestCase("mongodb://alice:" + Secret + "@h1,,h2", "empty")]
    [TestCase("mongodb://alice:" + Secret + "@%2Ftmp%2Fmongodb.socket", ".sock")]
    [TestCase("mongodb://alice:" + Secret + "@localhost/?w", "key=value")]
    [TestCase("mongodb://alice:" + Secret + "@localhost/a/b/c", "two segments")]
    [TestCase("mongodb://alice:" + Secret + "@localhost//sessions", "database")]
    [TestCase("mongodb://alice:" + Secret + "@localhost/d$b", "database")]
    [TestCase("mongodb://alice:" + Secret + "@localhost/?authSource=", "authSource")]
    [TestCase("mongodb://alice:" + Secret + "@localhost/?tls=true&ssl=false", "tls and ssl")]
    public void An_invalid_string_names_the_problem_without_the_password(string uri, string problem)
    {
        var error = Assert.Throws<MongoSessConfigurationException>(() => ConnectionString.Parse(uri));

        Assert.That(error!.Message, Does.Contain(problem).And.Not.Contain(Secret));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void An_empty_string_is_rejected(string? uri)
    {
        Assert.Throws<MongoSessConfigurationException>(() => ConnectionString.Parse(uri!));
    }
}
