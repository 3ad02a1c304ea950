using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Faults;

/// <summary>
/// The MongoDB client against a server that answers with broken bytes: each reply ends in a MongoSessConnectionException
/// that names the problem (and no secret), the connection is thrown away, the pool serves the next command on a new
/// one, and nothing waits longer than the socket timeout.
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
    private MongoSessionStore _store = null!;
    private string _id = null!;

    private MongoSessions.Mongo.Pooling.ConnectionPool Pool => _store.Client.Cluster.Pools.Single();

    [SetUp]
    public async Task ConnectAsync()
    {
        _server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("app", Password)] });
        var options = MongoTestConnections.Options(
            $"mongodb://app:{Password}@{_server.HostAndPort}/app?authSource=admin",
            "&retryReads=false&socketTimeoutMS=1000");
        _store = await MongoTestConnections.ConnectAsync(options);
        _id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await _store.UpdateAsync(Write(_id, "card", SessionSecret, create: true), default);
    }

    [TearDown]
    public async Task DisconnectAsync()
    {
        await _store.DisposeAsync();
        await _server.DisposeAsync();
    }

    [TestCase(MalformedReply.Truncated, "was lost")]
    [TestCase(MalformedReply.TruncatedThenSilent, "did not answer within the socket timeout of 1000 ms")]
    [TestCase(MalformedReply.WrongLength, "was lost")]
    [TestCase(MalformedReply.LengthBelowHeader, "invalid reply: its length 8 is outside")]
    [TestCase(MalformedReply.NegativeLength, "invalid reply: its length -1 is outside")]
    [TestCase(MalformedReply.LengthTooShort, "invalid reply: a document length runs past the message")]
    [TestCase(MalformedReply.OversizedLength, "invalid reply: its length 67108864 is outside 21..48000000")]
    [TestCase(MalformedReply.WrongResponseTo, "invalid reply: it answers request")]
    [TestCase(MalformedReply.WrongOpcode, "invalid reply: it has opcode 9999, not 2013")]
    [TestCase(MalformedReply.InvalidBson, "invalid reply: a document length runs past the message")]
    [TestCase(MalformedReply.BsonUnknownElementType, "invalid reply: it holds malformed BSON: Unknown BSON element type 0x7E")]
    [TestCase(MalformedReply.BsonMissingTerminator, "invalid reply: it holds malformed BSON")]
    [TestCase(MalformedReply.UnknownSectionKind, "invalid reply: it has a section of unknown kind 7")]
    public async Task A_hostile_reply_to_a_read_is_named_the_connection_dropped_and_the_pool_recovers(MalformedReply how, string problem)
    {
        _server.Faults.Malform("find", how);

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(() => _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit));

        AssertNamesTheProblemWithoutSecrets(error, problem);
        await AssertConnectionDiscardedAndPoolRecoversAsync();
    }

    [TestCase(MalformedReply.Truncated, "was lost")]
    [TestCase(MalformedReply.WrongResponseTo, "invalid reply: it answers request")]
    [TestCase(MalformedReply.NegativeLength, "invalid reply: its length -1 is outside")]
    [TestCase(MalformedReply.BsonUnknownElementType, "invalid reply: it holds malformed BSON")]
    public async Task A_hostile_reply_to_a_write_is_named_the_connection_dropped_and_the_pool_recovers(MalformedReply how, string problem)
    {
        // a standalone has no retryable writes, so the error reaches the caller instead of a second attempt
        _server.Faults.Malform("findAndModify", how);

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(
            () => _store.UpdateAsync(Write(_id, "note", SessionSecret, create: false), default).AsTask().WaitAsync(s_limit));

        AssertNamesTheProblemWithoutSecrets(error, problem);
        await AssertConnectionDiscardedAndPoolRecoversAsync();
    }

    // the handshake is the one OP_QUERY/OP_REPLY exchange; the BSON faults aim at OP_MSG offsets, so only framing here
    [TestCase(MalformedReply.Truncated, "was lost")]
    [TestCase(MalformedReply.WrongResponseTo, "invalid reply: it answers request")]
    [TestCase(MalformedReply.NegativeLength, "invalid reply: its length -1 is outside")]
    [TestCase(MalformedReply.OversizedLength, "invalid reply: its length 67108864 is outside")]
    [TestCase(MalformedReply.WrongOpcode, "invalid reply: it has opcode 9999, not 1")]
    public async Task A_hostile_reply_to_a_new_connections_handshake_is_named_and_the_pool_recovers(MalformedReply how, string problem)
    {
        // the monitor's heartbeats say "hello" on its own connection; only a new connection's handshake says "isMaster"
        Pool.Clear();
        _server.Faults.Malform("isMaster", how);

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(() => _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit));

        AssertNamesTheProblemWithoutSecrets(error, problem);
        await AssertConnectionDiscardedAndPoolRecoversAsync();
    }

    [TestCase(MalformedReply.Truncated, "was lost")]
    [TestCase(MalformedReply.WrongResponseTo, "invalid reply: it answers request")]
    [TestCase(MalformedReply.BsonUnknownElementType, "invalid reply: it holds malformed BSON")]
    public async Task A_hostile_reply_during_authentication_is_named_and_the_pool_recovers(MalformedReply how, string problem)
    {
        // SCRAM's last step on a new connection (the first rides in the handshake as speculative authentication)
        Pool.Clear();
        _server.Faults.Malform("saslContinue", how);

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(() => _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit));

        AssertNamesTheProblemWithoutSecrets(error, problem);
        Assert.That(_server.Faults.Fired, Is.EqualTo(1), "the fault hit the authentication");
        await AssertConnectionDiscardedAndPoolRecoversAsync();
    }

    [Test]
    public async Task A_reply_larger_than_maxMessageSizeBytes_is_refused_and_the_pool_recovers()
    {
        // a server that announces 4 KiB messages and then answers with more: the client believes the hello, not the reply
        await DisconnectAsync();
        _server = MongoWireServer.Start(new MongoWireServerOptions { MaxMessageSizeBytes = 4096 });
        _store = await MongoTestConnections.ConnectAsync(_server, "&retryReads=false&socketTimeoutMS=1000");
        _id = MongoSessions.Cookies.SessionIdGenerator.NewId();
        string half = new('x', 2500);
        await _store.UpdateAsync(Write(_id, "a", half, create: true), default);
        // each write returns only the field it touched, so both fit; the whole document does not
        await _store.UpdateAsync(Write(_id, "b", half, create: false), default);

        var error = Assert.ThrowsAsync<MongoSessConnectionException>(() => _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit));

        Assert.That(error!.Message, Does.Match("invalid reply: its length [0-9]+ is outside 21\\.\\.4096"));
        Assert.That(error.Message, Does.Not.Contain(half[..100]));
        Assert.That(Pool.InUseCount + Pool.IdleCount, Is.Zero, "the connection that read the oversized header is gone");
        var small = MongoSessions.Cookies.SessionIdGenerator.NewId();
        await _store.UpdateAsync(Write(small, "n", "1", create: true), default).AsTask().WaitAsync(s_limit);
        Assert.That(await _store.LoadAsync(small, s_now, default).AsTask().WaitAsync(s_limit), Is.Not.Null);
    }

    [Test]
    public async Task Hostile_replies_in_a_row_leave_no_connection_behind()
    {
        var kinds = Enum.GetValues<MalformedReply>().Where(k => k != MalformedReply.TruncatedThenSilent).ToList();
        foreach (var how in kinds)
        {
            _server.Faults.Malform("find", how);
            Assert.ThrowsAsync<MongoSessConnectionException>(() => _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit), how.ToString());
        }

        Assert.That(await _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit), Is.Not.Null);
        Assert.That(Pool.InUseCount, Is.Zero);
        Assert.That(Pool.IdleCount, Is.EqualTo(1), "one healthy connection is pooled, none of the broken ones");
        // the monitor's connection and the healthy pooled one; every broken one was closed by one side or the other
        Assert.That(await WaitForOpenConnectionsAsync(atMost: 2), Is.LessThanOrEqualTo(2));
        Assert.That(_server.Faults.Fired, Is.EqualTo(kinds.Count));
    }

    private static SessionUpdate Write(string id, string key, string value, bool create) =>
        new(id, [SessionOperation.Set(key, new MongoDB.Bson.BsonString(value))], s_now, s_now.AddHours(1), createIfMissing: create);

    private void AssertNamesTheProblemWithoutSecrets(MongoSessConnectionException? error, string problem)
    {
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Message, Does.Contain(_server.HostAndPort), "it names the server");
        Assert.That(error.Message, Does.Contain(problem), "it names the problem");
        Assert.That(error.Message, Does.Not.Contain(Password).And.Not.Contain(SessionSecret).And.Not.Contain(_id), "no password, data or id");
        Assert.That(error.Message, Does.EndWith(".").And.Not.EndWith(".."), "one sentence, one full stop");
    }

    private async Task AssertConnectionDiscardedAndPoolRecoversAsync()
    {
        Assert.That(Pool.InUseCount, Is.Zero, "the failed command gave its connection back");
        Assert.That(Pool.IdleCount, Is.Zero, "the broken connection was closed, not pooled");
        int generation = Pool.Generation;
        int opened = _server.Statistics.ConnectionsOpened;

        var record = await _store.LoadAsync(_id, s_now, default).AsTask().WaitAsync(s_limit);

        Assert.That(record?.Data.Find("card"), Is.EqualTo(new MongoDB.Bson.BsonString(SessionSecret)), "the next command works");
        Assert.That(_server.Statistics.ConnectionsOpened, Is.GreaterThan(opened), "on a new connection");
        Assert.That(Pool.Generation, Is.EqualTo(generation));
        Assert.That(Pool.IdleCount, Is.EqualTo(1));
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
