using System.Diagnostics;
using MongoSessions.Diagnostics;

using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Diagnostics;

// listeners are process-wide: no other fixture runs while these count
[TestFixture]
[NonParallelizable]
internal sealed class StoreInstrumentationTests
{
    private const string Duration = "mongosess.store.operation.duration";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static SessionUpdate Create(string id) =>
        new(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Set("n", new MongoDB.Bson.BsonInt64(1))], Now, Now.AddHours(1), createIfMissing: true);

    private static async Task RunEveryOperationAsync(ISessionStore store, string id)
    {
        await store.UpdateAsync(Create(id), default);
        await store.LoadAsync(id, Now, default);
        await store.CountAsync(Now, default);
        await foreach (var _ in store.ListAsync(Now, default))
        {
        }
        await store.EndWhereAsync(new SessionMatch("n", new MongoDB.Bson.BsonInt64(2)), Now, default);
        await store.RemoveExpiredAsync(Now, default);
        await store.EndAsync(id, null, default);
        await store.ClearAsync(default);
    }

    private static readonly string[] s_operations = ["update", "load", "count", "list", "end_where", "remove_expired", "end", "clear"];

    [Test]
    public async Task Every_store_operation_reports_its_duration_by_operation_and_store()
    {
        using var metrics = new MetricRecorder();
        await using var store = new InstrumentedSessionStore(new ProbeStore());
        await RunEveryOperationAsync(store, MongoSessions.Cookies.SessionToken.New());

        var measured = metrics.Of(Duration, ("store", "ProbeStore"));
        Assert.That(measured.Select(m => m.Tag("operation")), Is.EqualTo(s_operations), string.Join("; ", measured));
        Assert.That(measured.Select(m => m.Value), Has.All.GreaterThan(0.0).And.All.LessThan(10.0), "seconds");
        Assert.That(measured.Select(m => m.Instrument.Unit), Has.All.EqualTo("s"));
        Assert.That(measured.Select(m => m.Tag("error.type")), Has.All.Null);
    }

    [Test]
    public async Task Every_store_operation_is_an_activity_tagged_with_store_operation_and_a_hash_of_the_id()
    {
        using var traces = new ActivityRecorder();
        await using var store = new InstrumentedSessionStore(new ProbeStore());
        var id = MongoSessions.Cookies.SessionToken.New();
        await RunEveryOperationAsync(store, id);

        var activities = traces.WithTag("store", "ProbeStore");
        Assert.That(activities.Select(a => a.OperationName), Is.EqualTo(s_operations.Select(o => "MongoSess store." + o)));
        Assert.That(activities.Select(a => a.GetTagItem("operation")), Is.EqualTo(s_operations));
        Assert.That(activities.Select(a => a.Source.Name), Has.All.EqualTo("MongoSess"));
        Assert.That(activities.Select(a => a.Status), Has.All.EqualTo(ActivityStatusCode.Unset));
        var hash = MongoSessions.Diagnostics.SessionLogId.Of(id);
        var withId = activities.Where(a => a.GetTagItem("operation") is "update" or "load" or "end").ToList();
        Assert.That(withId.Select(a => a.GetTagItem("session.hash")).ToList(), Has.Count.EqualTo(3).And.All.EqualTo(hash));
        Assert.That(activities.Except(withId).Select(a => a.GetTagItem("session.hash")), Has.All.Null);
        var everyTag = activities.SelectMany(a => a.TagObjects).Select(t => $"{t.Key}={t.Value}");
        Assert.That(everyTag, Has.None.Contains(id), "the id is the session's credential");
    }

    [Test]
    public async Task A_failed_operation_is_an_error_in_its_activity_and_its_duration()
    {
        using var metrics = new MetricRecorder();
        using var traces = new ActivityRecorder();
        var probe = new ProbeStore { FailNextUpdate = new InvalidOperationException("Cannot increment a string at n") };
        await using var store = new InstrumentedSessionStore(probe);
        var id = MongoSessions.Cookies.SessionToken.New();

        Assert.ThrowsAsync<InvalidOperationException>(async () => await store.UpdateAsync(Create(id), default));

        var activity = traces.WithTag("session.hash", MongoSessions.Diagnostics.SessionLogId.Of(id)).Single();
        Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(activity.StatusDescription, Is.EqualTo("InvalidOperationException"), "the type, never the message");
        Assert.That(activity.GetTagItem("error.type"), Is.EqualTo("System.InvalidOperationException"));
        var duration = metrics.Of(Duration, ("store", "ProbeStore")).Single();
        Assert.That(duration.Tag("operation"), Is.EqualTo("update"));
        Assert.That(duration.Tag("error.type"), Is.EqualTo("System.InvalidOperationException"));
    }

    [Test]
    public async Task A_failed_listing_is_an_error_and_an_abandoned_one_still_ends()
    {
        using var traces = new ActivityRecorder();
        var probe = new ProbeStore { ListOverride = FailingList() };
        await using var store = new InstrumentedSessionStore(probe);

        Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var _ in store.ListAsync(Now, default))
            {
            }
        });
        probe.ListOverride = null;
        await store.UpdateAsync(Create(MongoSessions.Cookies.SessionToken.New()), default);
        await store.UpdateAsync(Create(MongoSessions.Cookies.SessionToken.New()), default);
        await foreach (var _ in store.ListAsync(Now, default))
        {
            break;
        }

        var lists = traces.WithTag("store", "ProbeStore").Where(a => a.GetTagItem("operation") is "list").ToList();
        Assert.That(lists.Select(a => a.Status), Is.EqualTo(new[] { ActivityStatusCode.Error, ActivityStatusCode.Unset }));
    }

    private static async IAsyncEnumerable<SessionRecord> FailingList()
    {
        await Task.Yield();
        throw new IOException("disk gone");
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }

    [Test]
    public async Task Unobserved_the_store_is_called_directly()
    {
        var probe = new ProbeStore { ListOverride = AsyncEnumerable.Empty<SessionRecord>() };
        await using var store = new InstrumentedSessionStore(probe);
        Assert.That(StoreOperationScope.IsObserved, Is.False, "no listener is attached outside these tests");
        Assert.That(store.ListAsync(Now, default), Is.SameAs(probe.ListOverride), "no wrapper when nobody listens");

        using var traces = new ActivityRecorder();
        Assert.That(StoreOperationScope.IsObserved, Is.True);
        Assert.That(store.ListAsync(Now, default), Is.Not.SameAs(probe.ListOverride));
    }

    [Test]
    public async Task Unobserved_instruments_allocate_nothing()
    {
        await using var store = new InstrumentedSessionStore(new NothingStore());
        var update = Create("id");
        var match = new SessionMatch("n", new MongoDB.Bson.BsonInt64(2));
        var calls = new (string Name, Action Call)[]
        {
            ("load", () => store.LoadAsync("id", Now, default)),
            ("update", () => store.UpdateAsync(update, default)),
            ("end", () => store.EndAsync("id", null, default)),
            ("count", () => store.CountAsync(Now, default)),
            ("list", () => store.ListAsync(Now, default)),
            ("clear", () => store.ClearAsync(default)),
            ("end_where", () => store.EndWhereAsync(match, Now, default)),
            ("remove_expired", () => store.RemoveExpiredAsync(Now, default)),
            ("created", SessionMetrics.Created),
            ("loaded", SessionMetrics.Loaded),
            ("rejected", () => MongoSessions.Cookies.CookieMetrics.Rejected(MongoSessions.Cookies.CookieRejection.BadSignature)),
        };
        var allocated = new List<string>();
        foreach (var (name, call) in calls)
        {
            call();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                call();
            }
            allocated.Add($"{name}: {GC.GetAllocatedBytesForCurrentThread() - before}");
        }
        Assert.That(allocated, Has.All.EndsWith(": 0"));
    }

    /// <summary>A store whose calls complete at once and allocate nothing, so any allocation measured is the decorator's.</summary>
    private sealed class NothingStore : ISessionStore
    {
        public ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => default;

        public ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken) => default;

        public ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken) => default;

        public ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) => default;

        public IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, CancellationToken cancellationToken) => AsyncEnumerable.Empty<SessionRecord>();

        public ValueTask ClearAsync(CancellationToken cancellationToken) => default;

        public ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => default;

        // the interface's default implementation allocates its own list
        public ValueTask<long> EndWhereAsync(SessionMatch match, DateTimeOffset now, CancellationToken cancellationToken) => default;

        public ValueTask DisposeAsync() => default;
    }

    [Test]
    public async Task The_store_tag_names_the_built_in_stores_and_a_custom_store_by_its_type()
    {
        await using var memory = new MemorySessionStore();
        var directory = Directory.CreateTempSubdirectory("mongosess-tag-");
        try
        {
            await using var file = new FileSessionStore(directory.FullName);
            Assert.That(new InstrumentedSessionStore(memory).Name, Is.EqualTo("memory"));
            Assert.That(new InstrumentedSessionStore(file).Name, Is.EqualTo("file"));
            Assert.That(new InstrumentedSessionStore(new ProbeStore()).Name, Is.EqualTo("ProbeStore"));
            var keys = new EncryptionKeyring(new EncryptionKey("k1", EncryptionKey.GenerateKey()));
            var encrypted = new MongoSessions.Encryption.EncryptingSessionStore(file, keys, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            Assert.That(new InstrumentedSessionStore(encrypted).Name, Is.EqualTo("file"), "the store under the encryption");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void The_session_hash_is_the_short_log_id()
    {
        var id = MongoSessions.Cookies.SessionToken.New();
        var hash = MongoSessions.Diagnostics.SessionLogId.Of(id);
        Assert.That(hash, Does.Match("^[0-9a-f]{8}$"));
        Assert.That(MongoSessions.Diagnostics.SessionLogId.Of(id), Is.EqualTo(hash));
        Assert.That(MongoSessions.Diagnostics.SessionLogId.Of(MongoSessions.Cookies.SessionToken.New()), Is.Not.EqualTo(hash));
    }

    [Test]
    public void The_meter_and_source_are_named_MongoSess_and_carry_the_assembly_version()
    {
        var version = typeof(MongoSess).Assembly.GetName().Version!.ToString();
        Assert.That(MongoSessInstrumentation.Meter.Name, Is.EqualTo("MongoSess"));
        Assert.That(MongoSessInstrumentation.Meter.Version, Is.EqualTo(version));
        Assert.That(MongoSessInstrumentation.ActivitySource.Name, Is.EqualTo("MongoSess"));
        Assert.That(MongoSessInstrumentation.ActivitySource.Version, Is.EqualTo(version));
    }
}
