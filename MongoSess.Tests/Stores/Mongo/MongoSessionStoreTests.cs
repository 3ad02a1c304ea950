using MongoDB.Bson;
using MongoSessions.Values;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

using MongoSessions.Testing;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>The store contract against the in-test MongoDB wire server, over real sockets.</summary>
[TestFixture]
public sealed class MongoSessionStoreTests : SessionStoreContract
{
    private MongoWireServer _server = null!;

    // every update is a round trip over loopback; fewer rounds still overlap thoroughly
    protected override int UpdatesPerWorker => 100;

    protected override bool HonoursExtendOnly => true;

    protected override ISessionStore CreateStore()
    {
        _server = MongoWireServer.Start();
        return MongoTestConnections.ConnectAsync(_server).GetAwaiter().GetResult();
    }

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task Each_operation_is_one_command_of_the_documented_kind()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        await Store.UpdateAsync(Update(id, Set("b", 2), SessionOperation.Increment("n", 1), SessionOperation.Unset("a")), default);
        await Store.LoadAsync(id, Now, default);
        await Store.EndAsync(id, null, default);
        var names = _server.Statistics.Commands.Select(c => c.ElementCount > 0 ? c.GetElement(0).Name : "").Where(n => n is "insert" or "findAndModify" or "find" or "delete" or "update").ToList();
        Assert.That(names, Is.EqualTo(new[] { "insert", "findAndModify", "find", "delete" }));
        var update = (BsonDocument)_server.Statistics.Commands.Single(c => c.GetElement(0).Name == "findAndModify")["update"]!;
        var touched = update.Select(op => $"{op.Name}:{string.Join(",", ((BsonDocument)op.Value).Select(f => f.Name))}");
        Assert.That(touched, Is.EquivalentTo(new[] { "$set:data.b,expiresAt", "$unset:data.a", "$inc:data.n" }), "only the touched paths, never the whole document");
    }

    [Test]
    public async Task A_session_over_16_MiB_is_refused_before_sending_and_the_connection_stays_usable()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("small", 1)), default);
        int opened = _server.Statistics.ConnectionsOpened;
        Assert.ThrowsAsync<InvalidOperationException>(async () => await Store.UpdateAsync(Update(id, Set("huge", new byte[17 * 1024 * 1024])), default));
        Assert.That((await Store.LoadAsync(id, Now, default))!.Data.Keys, Is.EqualTo(new[] { "small" }));
        Assert.That(_server.Statistics.ConnectionsOpened, Is.EqualTo(opened), "no connection was dropped");
        Assert.That(_server.Statistics.CommandCount("findAndModify"), Is.Zero, "nothing was sent");
    }

    [TestCase(false, "default")]
    [TestCase(true, "sweep")]
    public async Task No_TTL_index_is_created_when_told_not_to_or_when_sweeping(bool createIndexes, string cleanup)
    {
        await using var server = MongoWireServer.Start();
        var options = MongoTestConnections.Options(server.ConnectionString + "other");
        options.CreateIndexes = createIndexes;
        options.Cleanup = cleanup == "sweep" ? SessionCleanup.Sweep(TimeSpan.FromMinutes(5)) : SessionCleanup.Default;
        await using var store = await MongoTestConnections.ConnectAsync(options);
        List<WireIndex> indexes;
        lock (server.Store.Gate)
        {
            indexes = [.. server.Store.Find("other", "sessions")?.Indexes ?? []];
        }
        Assert.That(indexes.Count(i => i.ExpireAfterSeconds == 0), Is.Zero, "no TTL index");
        Assert.That(indexes.Any(i => i.Name == "userId_1"), Is.EqualTo(createIndexes), "the user index, whenever indexes may be created");
        Assert.That(server.Statistics.CommandCount("createIndexes"), Is.EqualTo(createIndexes ? 1 : 0));
    }

    [Test]
    public async Task Connect_creates_the_TTL_index_once_and_expired_documents_go_when_the_monitor_runs()
    {
        List<WireIndex> Indexes() { lock (_server.Store.Gate) { return [.. _server.Store.Find("mongosess", "sessions")!.Indexes]; } }
        var indexes = Indexes();
        Assert.That(indexes.Count(i => i.ExpireAfterSeconds == 0), Is.EqualTo(2), "expiresAt and absoluteExpiresAt: " + string.Join("; ", indexes));
        await using (var again = await MongoTestConnections.ConnectAsync(_server))
        {
            Assert.That(Indexes(), Has.Count.EqualTo(indexes.Count), "creating it again changes nothing");
        }
        var id = NewId();
        var past = DateTimeOffset.UtcNow.AddMinutes(-10);
        await Store.UpdateAsync(new SessionUpdate(id, MongoSessions.Cookies.SessionToken.Hash(id), [Set("a", 1)], past.AddMinutes(-1), past, createIfMissing: true), default);
        Assert.That(_server.RunTtlMonitor(), Is.EqualTo(1));
        Assert.That(await Store.LoadAsync(id, past.AddMinutes(-2), default), Is.Null, "the document itself is gone");
    }
}
