using System.Collections.Concurrent;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
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

    // every command the driver sent, as the driver's own command monitoring saw it: name and transaction number
    private readonly ConcurrentQueue<(string Name, BsonValue? TxnNumber)> _sent = new();

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
        _client = TestMongoClients.Create(connectionString, builder => builder.Subscribe<CommandStartedEvent>(e =>
            _sent.Enqueue((e.CommandName, e.Command.GetValue("txnNumber", null)))));
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
        _sent.Clear();
        return id;
    }

    // the commands named so sent since the session was created (or the test began)
    private List<BsonValue?> Sent(string name) => _sent.Where(c => c.Name == name).Select(c => c.TxnNumber).ToList();

    // exactly one retry, under the transaction number of the first attempt: the server applies the write once
    private void AssertRetriedOnceWithTheSameTransactionNumber(string name)
    {
        var attempts = Sent(name);
        Assert.That(attempts, Has.Count.EqualTo(2), $"one {name} and one retry");
        Assert.That(attempts[0], Is.Not.Null, "a retryable write carries a transaction number");
        Assert.That(attempts[1], Is.EqualTo(attempts[0]), "the retry carries the first attempt's transaction number");
    }

    [Test]
    public async Task A_write_whose_connection_drops_before_it_runs_is_retried_and_applied_once()
    {
        var id = await CreatedAsync();
        await Faults.CloseBeforeExecuteAsync("findAndModify");
        var result = await Store.UpdateAsync(Increment(id), default);
        AssertRetriedOnceWithTheSameTransactionNumber("findAndModify");
        Assert.That(result!.Values.Find("n"), Is.EqualTo(new BsonInt64(1)));
        Assert.That(await CounterAsync(id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_write_applied_before_the_error_is_retried_and_counted_once()
    {
        var id = await CreatedAsync();
        await Faults.FailAfterExecuteAsync("findAndModify");
        var result = await Store.UpdateAsync(Increment(id), default);
        AssertRetriedOnceWithTheSameTransactionNumber("findAndModify");
        Assert.That(result!.Values.Find("n"), Is.EqualTo(new BsonInt64(1)), "the retry's answer is the first attempt's");
        Assert.That(await CounterAsync(id), Is.EqualTo(1), "the server did not apply it again");
    }

    [Test]
    public async Task Not_writable_primary_once_is_retried_and_applied_once()
    {
        var id = await CreatedAsync();
        await Faults.NotWritablePrimaryAsync("findAndModify");
        await Store.UpdateAsync(Increment(id), default);
        AssertRetriedOnceWithTheSameTransactionNumber("findAndModify");
        Assert.That(await CounterAsync(id), Is.EqualTo(1));
    }

    [Test]
    public async Task A_new_session_whose_insert_drops_is_retried_and_stored_once()
    {
        await Faults.CloseBeforeExecuteAsync("insert");
        var id = MongoSessions.Cookies.SessionToken.New();
        _sent.Clear();
        await Store.UpdateAsync(Create(id), default);
        AssertRetriedOnceWithTheSameTransactionNumber("insert");
        Assert.That(await CounterAsync(id), Is.Zero, "the session is there, with what its creation wrote");
        Assert.That(await Store.CountAsync(Now, default), Is.EqualTo(1), "once");
    }

    [Test]
    public async Task A_read_whose_connection_drops_is_retried()
    {
        var id = await CreatedAsync();
        await Faults.CloseBeforeExecuteAsync("find");
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(Sent("find"), Has.Count.EqualTo(2), "one find and one retry");
        Assert.That(record!.Data.Find("n"), Is.EqualTo(new BsonInt64(0)), "the retry read the session");
    }
}
