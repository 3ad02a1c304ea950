using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>
/// What the MongoDB store promises when the network or the primary fails, on a replica set where the driver's
/// retryable writes apply: a write is applied exactly once (no lost and no doubled increment) and a read is retried.
/// Run against the wire server's replica set and against a real server.
/// </summary>
public abstract class MongoFaultContract
{
    protected static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private MongoClient? _client;

    protected MongoSessionStore Store { get; private set; } = null!;

    protected IMongoFaults Faults { get; private set; } = null!;

    /// <summary>The deployment's connection string and its fault injector, or a reason to skip.</summary>
    protected abstract Task<(string? ConnectionString, IMongoFaults? Faults, string? SkipReason)> StartAsync();

    protected virtual Task StopAsync() => Task.CompletedTask;

    [SetUp]
    public async Task ConnectAsync()
    {
        var (connectionString, faults, reason) = await StartAsync();
        if (connectionString is null || faults is null)
        {
            Assert.Ignore(reason ?? "no deployment");
        }
        _client = TestMongoClients.Create(connectionString);
        Store = new MongoSessionStore(_client.GetDatabase("mongosess_faults"), new MongoSessionStoreOptions
        {
            CollectionName = "sessions_" + Guid.NewGuid().ToString("N")[..12],
            CreateIndexes = false,
        });
        Faults = faults;
    }

    [TearDown]
    public async Task DisconnectAsync()
    {
        if (_client is not null)
        {
            await Store.ClearAsync(default);
            await Store.DisposeAsync();
            _client.Close();
        }
        await StopAsync();
    }

    protected static SessionUpdate Create(string id) => new(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Set("n", new BsonInt64(0))], Now, Now.AddHours(1), createIfMissing: true);

    protected static SessionUpdate Increment(string id) => new(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Increment("n", 1)], Now, Now.AddHours(1), createIfMissing: false);

    protected async Task<long> CounterAsync(string id) => (await Store.LoadAsync(id, Now, default))!.Data.Find("n")!.ToInt64();

    protected async Task<string> CreatedAsync()
    {
        var id = MongoSessions.Cookies.SessionToken.New();
        await Store.UpdateAsync(Create(id), default);
        return id;
    }

    [Test]
    public async Task A_write_whose_connection_drops_before_it_runs_is_retried_and_applied_once()
    {
        var id = await CreatedAsync();
        await Faults.CloseBeforeExecuteAsync("findAndModify");
        var result = await Store.UpdateAsync(Increment(id), default);
        Assert.That(result!.Values.Find("n"), Is.EqualTo(new BsonInt64(1)));
        Assert.That(await CounterAsync(id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_write_applied_before_the_error_is_retried_and_counted_once()
    {
        var id = await CreatedAsync();
        await Faults.FailAfterExecuteAsync("findAndModify");
        await Store.UpdateAsync(Increment(id), default);
        Assert.That(await CounterAsync(id), Is.EqualTo(1), "the retry carried the same transaction number, so the server did not apply it again");
    }

    [Test]
    public async Task Not_writable_primary_once_is_retried_and_applied_once()
    {
        var id = await CreatedAsync();
        await Faults.NotWritablePrimaryAsync("findAndModify");
        await Store.UpdateAsync(Increment(id), default);
        Assert.That(await CounterAsync(id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_new_session_whose_insert_drops_is_retried_and_stored_once()
    {
        await Faults.CloseBeforeExecuteAsync("insert");
        var id = await CreatedAsync();
        Assert.That(await Store.LoadAsync(id, Now, default), Is.Not.Null);
        Assert.That(await Store.CountAsync(Now, default), Is.EqualTo(1));
    }

    [Test]
    public async Task A_read_whose_connection_drops_is_retried()
    {
        var id = await CreatedAsync();
        await Faults.CloseBeforeExecuteAsync("find");
        Assert.That(await Store.LoadAsync(id, Now, default), Is.Not.Null);
    }
}
