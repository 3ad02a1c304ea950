using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Faults;

/// <summary>
/// The MongoDB store, through the driver, against a server that answers with broken bytes: each reply ends in a
/// <see cref="MongoSessConnectionException"/> that names the server and no secret, nothing waits longer than the
/// socket timeout, and the next operation works on a new connection.
/// </summary>
[TestFixture]
internal sealed class HostileReplyTests
{
    private const string Password = "hostile-Secret-77";
    private const string SessionSecret = "card-4111-1111";

    // generous: a hang fails the test instead of stalling the run, and nothing here should take a tenth of it
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(15);

    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private MongoWireServer _server = null!;
    private MongoClient _client = null!;
    private MongoSessionStore _store = null!;
    private string _id = null!;

    [SetUp]
    public async Task ConnectAsync()
    {
        ConnectWithoutTraffic();
        _id = MongoSessions.Cookies.SessionToken.New();
        await _store.UpdateAsync(Write(_id, "card", SessionSecret, create: true), default);
    }

    [TearDown]
    public async Task DisconnectAsync()
    {
        await _store.DisposeAsync();
        _client.Close();
        await _server.DisposeAsync();
    }

    [TestCase(MalformedReply.Truncated)]
    [TestCase(MalformedReply.TruncatedThenSilent)]
    [TestCase(MalformedReply.WrongLength)]
    [TestCase(MalformedReply.LengthBelowHeader)]
    [TestCase(MalformedReply.NegativeLength)]
    [TestCase(MalformedReply.LengthTooShort)]
    [TestCase(MalformedReply.OversizedLength)]
    [TestCase(MalformedReply.WrongResponseTo)]
    [TestCase(MalformedReply.WrongOpcode)]
    [TestCase(MalformedReply.InvalidBson)]
    [TestCase(MalformedReply.BsonUnknownElementType)]
    [TestCase(MalformedReply.BsonMissingTerminator)]
    [TestCase(MalformedReply.UnknownSectionKind)]
    public async Task A_hostile_reply_to_a_read_is_a_connection_error_and_the_next_read_works(MalformedReply how)
    {
        _server.Faults.Malform("find", how);

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(() => _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit));

        AssertNamesTheServerWithoutSecrets(error);
        await AssertTheNextOperationWorksOnANewConnectionAsync();
    }

    [TestCase(MalformedReply.Truncated)]
    [TestCase(MalformedReply.WrongResponseTo)]
    [TestCase(MalformedReply.NegativeLength)]
    [TestCase(MalformedReply.BsonUnknownElementType)]
    public async Task A_hostile_reply_to_a_write_is_a_connection_error_and_the_next_operation_works(MalformedReply how)
    {
        _server.Faults.Malform("findAndModify", how);

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(
            () => _store.UpdateAsync(Write(_id, "note", SessionSecret, create: false), default).AsTask().WaitAsync(s_limit));

        AssertNamesTheServerWithoutSecrets(error);
        await AssertTheNextOperationWorksOnANewConnectionAsync();
    }

    [TestCase(MalformedReply.Truncated)]
    [TestCase(MalformedReply.WrongResponseTo)]
    [TestCase(MalformedReply.BsonUnknownElementType)]
    public async Task A_hostile_reply_during_authentication_of_a_new_connection_is_a_connection_error_and_the_next_operation_works(MalformedReply how)
    {
        // a fresh client: its monitor does not authenticate, so the first saslContinue is the pool's first connection's
        await DisconnectAsync();
        ConnectWithoutTraffic();
        _server.Faults.Malform("saslContinue", how);

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(() => _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit));

        AssertNamesTheServerWithoutSecrets(error);
        Assert.That(_server.Faults.Fired, Is.EqualTo(1), "the fault hit the authentication");
        Assert.That(await _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit), Is.Null, "a fresh server: no session, but an answer");
    }

    [Test]
    public async Task Hostile_replies_in_a_row_leave_the_store_working()
    {
        var kinds = Enum.GetValues<MalformedReply>().Where(k => k != MalformedReply.TruncatedThenSilent).ToList();
        foreach (var how in kinds)
        {
            _server.Faults.Malform("find", how);
            Assert.ThrowsAsync<MongoSessConnectionException>(() => _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit), how.ToString());
            await AssertTheNextOperationWorksOnANewConnectionAsync();
        }

        Assert.That(_server.Faults.Fired, Is.EqualTo(kinds.Count));
        // the monitor's connection and healthy pooled ones; every broken one was closed by one side or the other
        Assert.That(await WaitForOpenConnectionsAsync(atMost: 3), Is.LessThanOrEqualTo(3));
    }

    private void ConnectWithoutTraffic()
    {
        _server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("app", Password)] });
        // a standalone: writes are never retried, and retryReads=false lets a broken read reach the caller too
        _client = TestMongoClients.Create(
            $"mongodb://app:{Password}@{_server.HostAndPort}/app?authSource=admin&retryReads=false&socketTimeoutMS=1000&serverSelectionTimeoutMS=3000&connectTimeoutMS=2000");
        _store = new MongoSessionStore(_client.GetDatabase("app"), new MongoSessionStoreOptions { CreateIndexes = false });
    }

    private static SessionUpdate Write(string id, string key, string value, bool create) =>
        new(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Set(key, new BsonString(value))], s_now, s_now.AddHours(1), createIfMissing: create);

    private void AssertNamesTheServerWithoutSecrets(MongoSessConnectionException? error)
    {
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Message, Does.Contain(_server.HostAndPort), "it names the server");
        Assert.That(error.ToString(), Does.Not.Contain(Password).And.Not.Contain(SessionSecret).And.Not.Contain(_id), "no password, data or id, inner exceptions included");
    }

    // after a reply it could not decode, the driver may hand the same (dead) connection to the next operation, which
    // then fails as a connection error and clears the pool: within two operations the store answers again
    private async Task AssertTheNextOperationWorksOnANewConnectionAsync()
    {
        int opened = _server.Statistics.ConnectionsOpened;
        SessionRecord? record;
        try
        {
            record = await _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit);
        }
        catch (MongoSessConnectionException stale)
        {
            AssertNamesTheServerWithoutSecrets(stale);
            record = await _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit);
        }

        Assert.That(record?.Data.Find("card"), Is.EqualTo(new BsonString(SessionSecret)), "the store answers again");
        Assert.That(_server.Statistics.ConnectionsOpened, Is.GreaterThan(opened), "on a new connection: the broken one was dropped");
    }

    // the server notices a closed socket on its next read, a moment after the client closed it
    private async Task<int> WaitForOpenConnectionsAsync(int atMost)
    {
        for (int i = 0; i < 100 && _server.Statistics.ConnectionsOpen > atMost; i++)
        {
            await Task.Delay(20);
        }
        return _server.Statistics.ConnectionsOpen;
    }
}
