using MongoSessions.Bson;
using MongoSessions.Mongo.Auth;

namespace MongoSessions.Tests.Mongo.Auth;

[TestFixture]
public sealed class ScramAuthenticatorTests
{
    private const string Password = "pencil-Secret-42";

    private static readonly ScramMechanism[] Mechanisms = [ScramMechanism.Sha1, ScramMechanism.Sha256];

    private static Task AuthenticateAsync(
        FakeScramServer server, ScramMechanism mechanism, string password = Password, ScramKeyCache? cache = null, string username = "ann") =>
        ScramAuthenticator.AuthenticateAsync(
            server.RunCommandAsync, username, password, "admin", mechanism, cache ?? new ScramKeyCache(4), ScramClientFirst.NewNonce, CancellationToken.None);

    private static FakeScramServer ServerWithAnn(bool supportsSkipEmptyExchange = true)
    {
        var server = new FakeScramServer { SupportsSkipEmptyExchange = supportsSkipEmptyExchange };
        server.AddUser("admin", "ann", Password, "SCRAM-SHA-1", "SCRAM-SHA-256");
        return server;
    }

    [TestCaseSource(nameof(Mechanisms))]
    public async Task A_right_password_authenticates_in_two_round_trips(object mechanism)
    {
        var server = ServerWithAnn();
        await AuthenticateAsync(server, (ScramMechanism)mechanism);

        Assert.That(server.Commands, Has.Count.EqualTo(2));
        var start = server.Commands[0];
        Assert.That(start["saslStart"], Is.EqualTo(new BsonInt32(1)));
        Assert.That(start["mechanism"], Is.EqualTo(new BsonString(((ScramMechanism)mechanism).Name)));
        Assert.That(start["autoAuthorize"], Is.EqualTo(new BsonInt32(1)));
        Assert.That(start["options"], Is.EqualTo(new BsonDocument().Add("skipEmptyExchange", BsonBoolean.True)));
        Assert.That(start["$db"], Is.EqualTo(new BsonString("admin")));
        var next = server.Commands[1];
        Assert.That(next["saslContinue"], Is.EqualTo(new BsonInt32(1)));
        Assert.That(next["conversationId"], Is.EqualTo(new BsonInt32(1)));
        Assert.That(next["$db"], Is.EqualTo(new BsonString("admin")));
    }

    [TestCaseSource(nameof(Mechanisms))]
    public async Task A_server_without_skip_empty_exchange_gets_the_extra_empty_round_trip(object mechanism)
    {
        var server = ServerWithAnn(supportsSkipEmptyExchange: false);
        await AuthenticateAsync(server, (ScramMechanism)mechanism);

        Assert.That(server.Commands, Has.Count.EqualTo(3));
        Assert.That(((BsonBinary)server.Commands[2]["payload"]!).Data, Is.Empty);
    }

    [TestCaseSource(nameof(Mechanisms))]
    public void A_wrong_password_is_an_authentication_error_naming_user_and_database(object mechanism)
    {
        var server = ServerWithAnn();
        var ex = Assert.ThrowsAsync<MongoSessAuthenticationException>(
            () => AuthenticateAsync(server, (ScramMechanism)mechanism, password: "wrong-Guess-7"));
        Assert.That(ex!.Message, Is.EqualTo("Authentication failed for user 'ann' on database 'admin'."));
        Assert.That(ex.InnerException, Is.TypeOf<MongoSessCommandException>().With.Property("Code").EqualTo(18));
        Assert.That(ex.ToString(), Does.Not.Contain("wrong-Guess-7"));
    }

    [Test]
    public void An_unknown_user_fails_like_a_wrong_password()
    {
        var ex = Assert.ThrowsAsync<MongoSessAuthenticationException>(() => AuthenticateAsync(ServerWithAnn(), ScramMechanism.Sha256, username: "bob"));
        Assert.That(ex!.Message, Is.EqualTo("Authentication failed for user 'bob' on database 'admin'."));
    }

    [Test]
    public async Task A_sha256_password_is_saslprepped_before_use()
    {
        // auth spec test plan, step 4: user "\u2168" with password "\u2163" logs in as "IV" and as "I\u00ADV"
        var server = new FakeScramServer();
        server.AddUser("admin", "\u2168", "IV", "SCRAM-SHA-256");
        foreach (string password in new[] { "\u2163", "IV", "I\u00ADV" })
        {
            await AuthenticateAsync(server, ScramMechanism.Sha256, password, username: "\u2168");
        }
        Assert.That(server.Commands, Has.Count.EqualTo(6));
    }

    [Test]
    public void A_password_saslprep_refuses_is_a_configuration_error_without_the_password()
    {
        var server = ServerWithAnn();
        var ex = Assert.ThrowsAsync<MongoSessConfigurationException>(() => AuthenticateAsync(server, ScramMechanism.Sha256, "bad\u0007Secret"));
        Assert.That(ex!.ToString(), Does.Not.Contain("bad\u0007Secret").And.Not.Contain("Secret"));
        Assert.That(server.Commands, Is.Empty);
    }

    [Test]
    public async Task The_key_cache_spares_a_second_pbkdf2_for_the_same_credential()
    {
        var server = ServerWithAnn();
        var cache = new ScramKeyCache(4);
        await AuthenticateAsync(server, ScramMechanism.Sha256, cache: cache);
        await AuthenticateAsync(server, ScramMechanism.Sha256, cache: cache);
        Assert.That(cache.DerivationCount, Is.EqualTo(1));

        // another mechanism has another salt and key: a derivation of its own, also cached
        await AuthenticateAsync(server, ScramMechanism.Sha1, cache: cache);
        await AuthenticateAsync(server, ScramMechanism.Sha1, cache: cache);
        Assert.That(cache.DerivationCount, Is.EqualTo(2));
    }

    [Test]
    public void A_wrong_password_is_not_served_from_the_cache()
    {
        var server = ServerWithAnn();
        var cache = new ScramKeyCache(4);
        Assert.ThrowsAsync<MongoSessAuthenticationException>(() => AuthenticateAsync(server, ScramMechanism.Sha256, "wrong-Guess-7", cache));
        Assert.DoesNotThrowAsync(() => AuthenticateAsync(server, ScramMechanism.Sha256, cache: cache));
        Assert.That(cache.DerivationCount, Is.EqualTo(2));
    }

    [Test]
    public async Task The_cache_is_bounded_and_forgets_the_oldest_entry()
    {
        var cache = new ScramKeyCache(2);
        var server = new FakeScramServer();
        foreach (string user in new[] { "u1", "u2", "u3" })
        {
            server.AddUser("admin", user, Password, "SCRAM-SHA-256");
            await AuthenticateAsync(server, ScramMechanism.Sha256, cache: cache, username: user);
        }
        Assert.That(cache.Count, Is.EqualTo(2));

        await AuthenticateAsync(server, ScramMechanism.Sha256, cache: cache, username: "u3");
        Assert.That(cache.DerivationCount, Is.EqualTo(3));
        await AuthenticateAsync(server, ScramMechanism.Sha256, cache: cache, username: "u1");
        Assert.That(cache.DerivationCount, Is.EqualTo(4));
    }

    [Test]
    public async Task Concurrent_logins_share_one_cache_safely()
    {
        var cache = new ScramKeyCache(4);
        var members = new FakeScramServer();
        members.AddUser("admin", "ann", Password, "SCRAM-SHA-256");

        // one server per connection, all with the same stored credential, as the members of a replica set
        var servers = Enumerable.Range(0, 16).Select(_ => new FakeScramServer(usersFrom: members)).ToList();
        await Task.WhenAll(servers.Select(server => Task.Run(() => AuthenticateAsync(server, ScramMechanism.Sha256, cache: cache))));
        int derivations = cache.DerivationCount;

        Assert.That(servers.All(server => server.Commands.Count == 2), Is.True);
        Assert.That(cache.Count, Is.EqualTo(1));
        Assert.That(derivations, Is.InRange(1, 16));
        await AuthenticateAsync(new FakeScramServer(usersFrom: members), ScramMechanism.Sha256, cache: cache);
        Assert.That(cache.DerivationCount, Is.EqualTo(derivations));
    }
}
