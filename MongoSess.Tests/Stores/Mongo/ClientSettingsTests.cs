using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>How <see cref="MongoSessOptions"/> become the driver's <see cref="MongoClientSettings"/>, without connecting.</summary>
[TestFixture]
public sealed class ClientSettingsTests
{
    private const string Password = "s3cret-Pa55word!";

    private static (MongoClientSettings Settings, string Database, string Collection) Configure(MongoSessOptions options, ILoggerFactory? loggers = null) =>
        MongoClientFactory.Configure(options, loggers);

    [TestCase("mongodb://db1/", 30_000)]
    [TestCase("mongodb://db1/?socketTimeoutMS=5000", 5_000)]
    [TestCase("mongodb://db1/?socketTimeoutMS=0", 0)]
    public void Socket_timeout_is_30_seconds_unless_the_connection_string_says_otherwise(string uri, int expectedMilliseconds)
    {
        Assert.That(Configure(new MongoSessOptions { ConnectionString = uri }).Settings.SocketTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(expectedMilliseconds)));
    }

    [Test]
    public void Given_client_settings_keep_their_socket_timeout_and_get_30_seconds_when_they_have_none()
    {
        var mine = MongoClientSettings.FromConnectionString("mongodb://db1/");
        Assert.That(Configure(new MongoSessOptions { ClientSettings = mine }).Settings.SocketTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        mine.SocketTimeout = TimeSpan.FromSeconds(3);
        var (settings, _, _) = Configure(new MongoSessOptions { ClientSettings = mine });
        Assert.That(settings.SocketTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(settings, Is.Not.SameAs(mine), "the application's settings object is left as it was");
    }

    [TestCase("mongodb://db1/shop/carts", "shop", "carts")]
    [TestCase("mongodb://db1/shop/carts?retryWrites=true", "shop", "carts")]
    [TestCase("mongodb://db1/shop", "shop", "sessions")]
    [TestCase("mongodb://db1/", "mongosess", "sessions")]
    [TestCase("mongodb://db1", "mongosess", "sessions")]
    public void A_connection_string_path_names_database_and_collection(string uri, string database, string collection)
    {
        var configured = Configure(new MongoSessOptions { ConnectionString = uri });
        Assert.That((configured.Database, configured.Collection), Is.EqualTo((database, collection)));
        Assert.That(configured.Settings.Server.Host, Is.EqualTo("db1"));
    }

    [Test]
    public void Servers_database_collection_and_credentials_options_build_the_settings()
    {
        var (settings, database, collection) = Configure(new MongoSessOptions
        {
            Servers = ["db1:27018", "db2"],
            Database = "app",
            Collection = "websessions",
            Username = "ann",
            Password = Password,
            Tls = true,
            PoolSize = 7,
        });
        Assert.Multiple(() =>
        {
            Assert.That(settings.Servers.Select(s => s.ToString()), Is.EqualTo(new[] { "db1:27018", "db2:27017" }));
            Assert.That((database, collection), Is.EqualTo(("app", "websessions")));
            Assert.That(settings.Credential.Username, Is.EqualTo("ann"));
            Assert.That(settings.Credential.Source, Is.EqualTo("admin"));
            Assert.That(settings.UseTls, Is.True);
            Assert.That(settings.MaxConnectionPoolSize, Is.EqualTo(7));
        });
    }

    [Test]
    public void Explicit_credentials_override_the_connection_string_and_keep_its_mechanism_and_source()
    {
        var (settings, _, _) = Configure(new MongoSessOptions
        {
            ConnectionString = "mongodb://old:old@db1/app?authSource=users&authMechanism=SCRAM-SHA-256",
            Username = "ann",
            Password = Password,
        });
        Assert.That((settings.Credential.Username, settings.Credential.Source, settings.Credential.Mechanism), Is.EqualTo(("ann", "users", "SCRAM-SHA-256")));
    }

    [Test]
    public void A_user_without_a_password_or_a_password_without_a_user_is_a_configuration_error()
    {
        Assert.Throws<MongoSessConfigurationException>(() => Configure(new MongoSessOptions { ConnectionString = "mongodb://db1/", Username = "ann" }));
        Assert.Throws<MongoSessConfigurationException>(() => Configure(new MongoSessOptions { ConnectionString = "mongodb://db1/", Password = Password }));
    }

    [TestCase("mongodb://ann:" + Password + "@host:notaport/")]
    [TestCase("mongodb://ann:" + Password + "@db1/?authMechanism=NOPE")]
    [TestCase("mongodb://ann:" + Password + "@db1/?w=&wtimeoutMS=x")]
    [TestCase("http://ann:" + Password + "@example/")]
    public void A_bad_connection_string_is_a_configuration_error_without_the_password(string uri)
    {
        var e = Assert.Throws<MongoSessConfigurationException>(() => Configure(new MongoSessOptions { ConnectionString = uri }));
        Assert.That(e!.Message, Does.Not.Contain(Password).And.Not.Contain(Uri.EscapeDataString(Password)));
        Assert.That(e.InnerException, Is.Null, "the driver's exception may quote the connection string, password included");
    }

    [Test]
    public void Only_one_source_of_servers_may_be_set()
    {
        Assert.Throws<MongoSessConfigurationException>(() => Configure(new MongoSessOptions { ConnectionString = "mongodb://a/", Servers = ["b"] }));
        Assert.Throws<MongoSessConfigurationException>(() => Configure(new MongoSessOptions { ConnectionString = "mongodb://a/", ClientSettings = new MongoClientSettings() }));
    }

    [TestCase("mongodb://db1/bad.name")]
    [TestCase("mongodb://db1/app/system.sessions")]
    public void Invalid_database_or_collection_names_are_refused_before_connecting(string uri)
    {
        Assert.Throws<MongoSessConfigurationException>(() => Configure(new MongoSessOptions { ConnectionString = uri }));
    }

    [Test]
    public void The_driver_logs_through_the_application_factory_but_never_its_command_category()
    {
        using var logs = new ListLoggerFactory();
        var (settings, _, _) = Configure(new MongoSessOptions { ConnectionString = "mongodb://db1/" }, logs);
        var driverLoggers = settings.LoggingSettings!.LoggerFactory!;
        driverLoggers.CreateLogger("MongoDB.Command").LogError("command text");
        driverLoggers.CreateLogger("MongoDB.SDAM").LogError("topology text");
        Assert.That(logs.Lines.Select(l => l.Message), Is.EqualTo(new[] { "topology text" }));
    }

    [Test]
    public void Traces_of_the_client_MongoSess_creates_never_carry_command_text()
    {
        var mine = MongoClientSettings.FromConnectionString("mongodb://db1/");
        mine.TracingOptions = new MongoDB.Driver.Core.Configuration.TracingOptions { QueryTextMaxLength = 4096 };
        Assert.That(Configure(new MongoSessOptions { ClientSettings = mine }).Settings.TracingOptions.QueryTextMaxLength, Is.Zero);
        Assert.That(Configure(new MongoSessOptions { ConnectionString = "mongodb://db1/" }).Settings.TracingOptions.QueryTextMaxLength, Is.Zero);
    }
}
