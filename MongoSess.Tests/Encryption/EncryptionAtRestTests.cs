using System.Text;
using MongoDB.Bson;
using MongoSessions.Values;
using MongoSessions.Encryption;
using MongoSessions.Tests.Support;
using Microsoft.Extensions.Logging;

namespace MongoSessions.Tests.Encryption;

/// <summary>What encryption at rest stores, how it treats damaged or foreign values, how keys rotate, and how writes race.</summary>
[TestFixture]
public sealed class EncryptionAtRestTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly EncryptionKey OldKey = new("2026-05", EncryptionKey.GenerateKey());
    private static readonly EncryptionKey NewKey = new("2026-11", EncryptionKey.GenerateKey());

    private MemorySessionStore _inner = null!;
    private ListLoggerFactory _logs = null!;

    [SetUp]
    public void CreateStore()
    {
        _inner = new MemorySessionStore();
        _logs = new ListLoggerFactory();
    }

    [TearDown]
    public async Task DisposeStore()
    {
        _logs.Dispose();
        await _inner.DisposeAsync();
    }

    private EncryptingSessionStore Encrypted(params EncryptionKey[] keys) => Over(_inner, keys);

    private EncryptingSessionStore Over(ISessionStore inner, params EncryptionKey[] keys) =>
        new(inner, new EncryptionKeyring(keys), _logs.CreateLogger("MongoSess"), maxAttempts: 3);

    private EncryptingSessionStore Migrating(params EncryptionKey[] keys) =>
        new(_inner, new EncryptionKeyring(keys), _logs.CreateLogger("MongoSess"), migratePlaintext: true, maxAttempts: 3);

    private static string NewId() => MongoSessions.Cookies.SessionToken.New();

    private static SessionOperation Set(string path, object? value) => SessionOperation.Set(path, ClrToBsonMapper.Map(value, path));

    private static SessionUpdate Create(string id, params SessionOperation[] operations) => new(id, MongoSessions.Cookies.SessionToken.Hash(id), operations, Now, Now.AddHours(1), createIfMissing: true);

    private static SessionUpdate Update(string id, params SessionOperation[] operations) => new(id, MongoSessions.Cookies.SessionToken.Hash(id), operations, Now, Now.AddHours(1), createIfMissing: false);

    private async Task<SessionRecord> StoredAsync(string id) => (await _inner.LoadAsync(id, Now, default))!;

    private static byte[] Sealed(SessionRecord stored) => ((BsonBinaryData)stored.Data.Find(EncryptingSessionStore.Field)!).Bytes;

    private string Warnings() => string.Join("\n", _logs.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message));

    [Test]
    public async Task The_store_holds_only_ciphertext_and_the_fields_its_queries_need()
    {
        var store = Encrypted(NewKey);
        var id = NewId();
        await store.UpdateAsync(Create(id, Set("user", "ann-secret-name")), default);
        await store.UpdateAsync(Update(id, SessionOperation.FlashSet("note.e1", new BsonString("flash-secret"))), default);
        var stored = await StoredAsync(id);
        Assert.That(stored.Data.Keys, Is.EqualTo(new[] { EncryptingSessionStore.Field }));
        Assert.That(stored.Flash.Count, Is.Zero, "flash entries are inside the ciphertext too");
        var bytes = Encoding.UTF8.GetString(stored.ToBson());
        Assert.That(bytes, Does.Not.Contain("ann-secret-name").And.Not.Contain("flash-secret").And.Not.Contain("user"));
        Assert.That(SessionCipher.KeyIdOf(Sealed(stored)), Is.EqualTo("2026-11"));
        var loaded = (await store.LoadAsync(id, Now, default))!;
        Assert.That(loaded.Data.Find("user"), Is.EqualTo(new BsonString("ann-secret-name")));
        Assert.That(loaded.Flash.Find("note.e1"), Is.EqualTo(new BsonString("flash-secret")));
    }

    [Test]
    public async Task Every_write_uses_a_fresh_nonce()
    {
        var store = Encrypted(NewKey);
        var id = NewId();
        await store.UpdateAsync(Create(id, Set("a", 1)), default);
        var first = Sealed(await StoredAsync(id));
        await store.UpdateAsync(Update(id, Set("a", 1)), default);
        Assert.That(Sealed(await StoredAsync(id)), Is.Not.EqualTo(first), "the same data never gives the same bytes");
    }

    [Test]
    public async Task An_altered_value_reads_as_missing_and_a_write_never_revives_it()
    {
        var store = Encrypted(NewKey);
        var id = NewId();
        await store.UpdateAsync(Create(id, Set("secret", "hunter2-value")), default);
        var altered = Sealed(await StoredAsync(id));
        altered[^1] ^= 1;
        await _inner.UpdateAsync(Update(id, SessionOperation.Set(EncryptingSessionStore.Field, new BsonBinaryData(altered))), default);

        Assert.That(await store.LoadAsync(id, Now, default), Is.Null);
        Assert.That(await store.UpdateAsync(Update(id, Set("x", 1)), default), Is.Null);
        Assert.That(Warnings(), Does.Contain("cannot be decrypted").And.Contain("altered").And.Not.Contain("hunter2").And.Not.Contain(id));
    }

    [Test]
    public async Task A_value_moved_to_another_session_does_not_decrypt()
    {
        var store = Encrypted(NewKey);
        var (victim, thief) = (NewId(), NewId());
        await store.UpdateAsync(Create(victim, Set("user", "admin")), default);
        await _inner.UpdateAsync(Create(thief, SessionOperation.Set(EncryptingSessionStore.Field, new BsonBinaryData(Sealed(await StoredAsync(victim))))), default);
        Assert.That(await store.LoadAsync(thief, Now, default), Is.Null, "the session id is authenticated with the data");
        Assert.That(await store.LoadAsync(victim, Now, default), Is.Not.Null);
    }

    [Test]
    public async Task A_value_under_a_key_no_longer_in_the_ring_reads_as_missing_and_the_log_names_the_key()
    {
        var id = NewId();
        await Encrypted(OldKey).UpdateAsync(Create(id, Set("a", 1)), default);
        Assert.That(await Encrypted(NewKey).LoadAsync(id, Now, default), Is.Null);
        Assert.That(Warnings(), Does.Contain("\"2026-05\"").And.Contain("not in the keyring"));
    }

    [Test]
    public async Task Rotation_reads_with_the_old_key_and_reseals_with_the_new_one_on_the_first_read()
    {
        var id = NewId();
        await Encrypted(OldKey).UpdateAsync(Create(id, Set("user", "ann")), default);
        var rotated = Encrypted(NewKey, OldKey);
        Assert.That((await rotated.LoadAsync(id, Now, default))!.Data.Find("user"), Is.EqualTo(new BsonString("ann")));
        Assert.That(SessionCipher.KeyIdOf(Sealed(await StoredAsync(id))), Is.EqualTo("2026-11"));
        Assert.That((await Encrypted(NewKey).LoadAsync(id, Now, default))!.Data.Find("user"), Is.EqualTo(new BsonString("ann")), "the old key can go");
    }

    [Test]
    public async Task A_session_in_the_clear_reads_as_missing_unless_migration_is_on()
    {
        // someone who can write to the store slips a session in the clear beside the encrypted ones (a downgrade)
        var id = NewId();
        await _inner.UpdateAsync(Create(id, Set("user", "admin")), default);
        Assert.That(await Encrypted(NewKey).LoadAsync(id, Now, default), Is.Null);
        Assert.That(await Encrypted(NewKey).UpdateAsync(Update(id, Set("x", 1)), default), Is.Null);
        Assert.That(Warnings(), Does.Contain("stored in the clear").And.Not.Contain("admin"));
    }

    [Test]
    public async Task An_older_value_of_the_same_session_put_back_over_a_later_one_does_not_decrypt()
    {
        var store = Encrypted(NewKey);
        var id = NewId();
        await store.UpdateAsync(Create(id, Set("role", "admin")), default);
        var old = Sealed(await StoredAsync(id));
        await store.UpdateAsync(Update(id, Set("role", "guest")), default);
        // a rollback by someone who can write to the store: the old ciphertext, in the record as it is now
        await _inner.UpdateAsync(Update(id, SessionOperation.Set(EncryptingSessionStore.Field, new BsonBinaryData(old))), default);
        Assert.That(await store.LoadAsync(id, Now, default), Is.Null, "the value is bound to the version it was written at");
        Assert.That(Warnings(), Does.Contain("cannot be decrypted"));
    }

    [Test]
    public async Task Sessions_stored_in_the_clear_keep_working_and_are_sealed_on_their_first_read_when_migrating()
    {
        var id = NewId();
        await _inner.UpdateAsync(Create(id, Set("user", "ann"), SessionOperation.FlashSet("note.e1", new BsonString("hi"))), default);
        var loaded = (await Migrating(NewKey).LoadAsync(id, Now, default))!;
        Assert.That(loaded.Data.Find("user"), Is.EqualTo(new BsonString("ann")));
        Assert.That(loaded.Flash.Find("note.e1"), Is.EqualTo(new BsonString("hi")));
        var stored = await StoredAsync(id);
        Assert.That(stored.Data.Keys, Is.EqualTo(new[] { EncryptingSessionStore.Field }), "nothing stays in the clear");
        Assert.That(stored.Flash.Count, Is.Zero);
    }

    [Test]
    public async Task A_write_that_loses_a_race_is_retried_and_both_writes_land()
    {
        var id = NewId();
        await Encrypted(NewKey).UpdateAsync(Create(id, Set("n", 0)), default);
        var racing = new RacingStore(_inner, Encrypted(NewKey), id);
        var result = await Over(racing, NewKey).UpdateAsync(Update(id, SessionOperation.Increment("n", 1)), default);
        Assert.That(racing.Raced, Is.True, "the other write landed between this write's read and its swap");
        Assert.That(result!.Values.Find("n"), Is.EqualTo(new BsonInt64(2)), "the retry saw the other write");
        Assert.That((await Encrypted(NewKey).LoadAsync(id, Now, default))!.Data.Find("n"), Is.EqualTo(new BsonInt64(2)));
    }

    [Test]
    public async Task A_write_that_keeps_losing_fails_loudly_and_writes_nothing()
    {
        var id = NewId();
        await Encrypted(NewKey).UpdateAsync(Create(id, Set("n", 0)), default);
        var error = Assert.ThrowsAsync<MongoSessException>(async () =>
            await Over(new AlwaysConflictingStore(_inner), NewKey).UpdateAsync(Update(id, Set("n", 5)), default));
        Assert.That(error!.Message, Does.Contain("3 times").And.Contain("nothing was written"));
        Assert.That((await Encrypted(NewKey).LoadAsync(id, Now, default))!.Data.Find("n"), Is.EqualTo(new BsonInt32(0)));
    }

    [Test]
    public async Task A_data_write_is_one_read_and_one_swap_and_a_touch_is_one_update()
    {
        var id = NewId();
        await Encrypted(NewKey).UpdateAsync(Create(id, Set("n", 0)), default);
        var counting = new CountingStore(_inner);
        var store = Over(counting, NewKey);
        await store.UpdateAsync(Update(id, Set("n", 1)), default);
        Assert.That((counting.Calls(nameof(ISessionStore.LoadAsync)), counting.Calls(nameof(ISessionStore.UpdateAsync))), Is.EqualTo((1, 1)));
        await store.UpdateAsync(new SessionUpdate(id, MongoSessions.Cookies.SessionToken.Hash(id), [], Now, Now.AddHours(2), createIfMissing: false), default);
        Assert.That((counting.Calls(nameof(ISessionStore.LoadAsync)), counting.Calls(nameof(ISessionStore.UpdateAsync))), Is.EqualTo((1, 2)), "no data, no read");
        Assert.That((await StoredAsync(id)).ExpiresAt, Is.EqualTo(Now.AddHours(2)));
    }

    [Test]
    public async Task Destroy_where_matches_on_the_decrypted_data()
    {
        var store = Encrypted(NewKey);
        var (a, b) = (NewId(), NewId());
        await store.UpdateAsync(Create(a, Set("user", new { id = 42 })), default);
        await store.UpdateAsync(Create(b, Set("user", new { id = 7 })), default);
        Assert.That(await ((ISessionStore)store).EndWhereAsync(new SessionMatch("user.id", new BsonInt32(42)), Now, default), Is.EqualTo(1));
        Assert.That(await store.LoadAsync(a, Now, default), Is.Null);
        Assert.That(await store.LoadAsync(b, Now, default), Is.Not.Null);
    }

    [Test]
    public async Task The_file_store_writes_no_plaintext_to_disk()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mongosess-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var files = new FileSessionStore(directory);
            var store = Over(files, NewKey);
            var id = NewId();
            await store.UpdateAsync(Create(id, Set("card", "4111-1111-1111-1111")), default);
            await store.UpdateAsync(Update(id, Set("email", "ann@example.com")), default);
            // the journal the writes went to, then the session file a checkpoint wrote from it
            var journal = await File.ReadAllBytesAsync(Directory.GetFiles(directory, "journal-*").Single());
            await files.CheckpointAsync(default);
            var bytes = await File.ReadAllBytesAsync(files.PathOf(id));
            Assert.That(Encoding.UTF8.GetString(journal), Does.Contain(id[..8]).And.Not.Contain("4111").And.Not.Contain("example.com"));
            Assert.That(Encoding.UTF8.GetString(bytes), Does.Not.Contain("4111").And.Not.Contain("example.com"));
            Assert.That((await store.LoadAsync(id, Now, default))!.Data.Find("email"), Is.EqualTo(new BsonString("ann@example.com")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Lets another encrypted write land just before the first compare-and-swap it sees.</summary>
    private sealed class RacingStore(ISessionStore inner, EncryptingSessionStore other, string id) : DelegatingSessionStore(inner)
    {
        public bool Raced { get; private set; }

        public override async ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
        {
            if (!Raced && update.ExpectedVersion is not null)
            {
                Raced = true;
                await other.UpdateAsync(Update(id, SessionOperation.Increment("n", 1)), cancellationToken);
            }
            return await base.UpdateAsync(update, cancellationToken);
        }
    }

    /// <summary>A store where every compare-and-swap finds that someone else wrote first.</summary>
    private sealed class AlwaysConflictingStore(ISessionStore inner) : DelegatingSessionStore(inner)
    {
        public override ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken) =>
            update.ExpectedVersion is null ? base.UpdateAsync(update, cancellationToken) : ValueTask.FromResult<SessionWriteResult?>(null);
    }
}
