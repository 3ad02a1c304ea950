using MongoSessions.Tests.Support;
using Microsoft.Extensions.Logging;

using MongoSessions.Testing;

namespace MongoSessions.Tests.Stores;

[TestFixture]
public sealed class FileSessionStoreTests : SessionStoreContract
{
    private string _directory = null!;
    private ListLoggerFactory _logs = null!;

    protected override bool HonoursExtendOnly => true;

    protected override ISessionStore CreateStore()
    {
        _directory = Path.Combine(Path.GetTempPath(), "mongosess-tests", Guid.NewGuid().ToString("N"));
        _logs = new ListLoggerFactory();
        return new FileSessionStore(_directory, _logs);
    }

    [TearDown]
    public void RemoveDirectory()
    {
        _logs.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }


    private FileSessionStore FileStore => (FileSessionStore)Store;

    [Test]
    public async Task With_every_write_durability_every_write_forces_the_journal_to_the_disk_before_it_returns()
    {
        await using var store = new FileSessionStore(Path.Combine(_directory, "every-write"), FileDurability.EveryWrite);
        var id = NewId();
        await store.UpdateAsync(Create(id, Set("views", 1)), default);
        long before = store.JournalSyncs;
        await store.UpdateAsync(Update(id, SessionOperation.Increment("views", 1)), default);
        await store.UpdateAsync(Update(id, SessionOperation.Increment("views", 1)), default);
        Assert.That(store.JournalSyncs - before, Is.EqualTo(2), "one fsync per acknowledged write, one after the other");
    }

    [Test]
    public async Task By_default_a_write_is_one_journal_append_and_a_checkpoint_puts_it_in_its_file_on_the_disk()
    {
        var directory = Path.Combine(_directory, "every-second");
        var store = new FileSessionStore(directory, FileDurability.EverySecond, null, Timeout.InfiniteTimeSpan);
        Assert.That(new FileSessionStore(directory).Durability, Is.EqualTo(FileDurability.EverySecond), "the default");
        var id = NewId();
        long before = DirectorySync.Flushes;
        await store.UpdateAsync(Create(id, Set("views", 0)), default);
        for (int i = 0; i < 20; i++)
        {
            await store.UpdateAsync(Update(id, SessionOperation.Increment("views", 1)), default);
        }
        Assert.That((await store.LoadAsync(id, Now, default))!.Data.Find("views"), Is.EqualTo(new MongoDB.Bson.BsonInt64(20)), "read back at once");
        Assert.That(File.Exists(store.PathOf(id)), Is.False, "no session file written per request");
        Assert.That(Journals(directory), Has.Length.EqualTo(1));
        Assert.That(DirectorySync.Flushes - before, Is.Zero, "nothing forced per write");
        Assert.That(await store.CountAsync(Now, default), Is.EqualTo(1), "listed before its file exists");

        await store.CheckpointAsync(default);
        Assert.That(DirectorySync.Flushes - before, Is.EqualTo(2), "the files, then the journal's deletion");
        Assert.That(Journals(directory), Is.Empty);
        var written = SessionRecord.FromBson(await File.ReadAllBytesAsync(store.PathOf(id)));
        Assert.That(written.Data.Find("views"), Is.EqualTo(new MongoDB.Bson.BsonInt64(20)));
        await store.DisposeAsync();
        await store.DisposeAsync();
    }

    private static string[] Journals(string directory) => Directory.GetFiles(directory, "journal-*.log");

    // a crash: the process ends without a checkpoint; a copy of the directory as it then is opens in a new store
    private async Task<string> CrashAfterAsync(Func<FileSessionStore, Task> writes, FileDurability durability = FileDurability.EverySecond)
    {
        var directory = Path.Combine(_directory, "crashed");
        var store = new FileSessionStore(directory, durability, null, Timeout.InfiniteTimeSpan);
        await writes(store);
        var copy = Path.Combine(_directory, "after-crash");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(copy);
        }
        else
        {
            // owner-only, as the store wants it (or it logs a warning of its own)
            Directory.CreateDirectory(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        foreach (var file in Directory.GetFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        await store.DisposeAsync();
        return copy;
    }

    [TestCase(FileDurability.EverySecond)]
    [TestCase(FileDurability.EveryWrite)]
    [TestCase(FileDurability.OperatingSystem)]
    public async Task After_a_crash_a_new_store_replays_the_journal_writes_and_ends_in_order(FileDurability durability)
    {
        string kept = NewId(), ended = NewId(), checkpointed = NewId();
        var copy = await CrashAfterAsync(async store =>
        {
            await store.UpdateAsync(Create(checkpointed, Set("n", 1)), default);
            await store.CheckpointAsync(default);
            await store.UpdateAsync(Update(checkpointed, SessionOperation.Increment("n", 1)), default);
            await store.UpdateAsync(Create(kept, Set("n", 1)), default);
            await store.UpdateAsync(Update(kept, SessionOperation.Increment("n", 5)), default);
            await store.UpdateAsync(Create(ended, Set("n", 1)), default);
            await store.EndAsync(ended, null, default);
        }, durability);

        await using var restarted = new FileSessionStore(copy, _logs);
        Assert.That((await restarted.LoadAsync(kept, Now, default))!.Data.Find("n")!.ToInt64(), Is.EqualTo(6));
        Assert.That((await restarted.LoadAsync(checkpointed, Now, default))!.Data.Find("n")!.ToInt64(), Is.EqualTo(2), "the journal over the older file");
        Assert.That(await restarted.LoadAsync(ended, Now, default), Is.Null, "an end is replayed too");
        Assert.That(Journals(copy), Is.Empty, "replayed into the files, then deleted");
        Assert.That(File.Exists(restarted.PathOf(kept)), Is.True);
    }

    [Test]
    public async Task Checkpoints_running_between_concurrent_writes_leave_every_write_in_the_files()
    {
        const int Workers = 8, Writes = 150;
        string[] ids = [.. Enumerable.Range(0, Workers).Select(_ => NewId())];
        var copy = await CrashAfterAsync(async store =>
        {
            using var stop = new CancellationTokenSource();
            var checkpoints = Task.Run(async () =>
            {
                int rounds = 0;
                while (!stop.IsCancellationRequested || rounds < 3)
                {
                    await store.CheckpointAsync(default);
                    rounds++;
                    await Task.Yield();
                }
                return rounds;
            });
            await Task.WhenAll(ids.Select(id => Task.Run(async () =>
            {
                await store.UpdateAsync(Create(id, Set("n", 0)), default);
                for (int i = 0; i < Writes; i++)
                {
                    await store.UpdateAsync(Update(id, SessionOperation.Increment("n", 1)), default);
                }
            })));
            await stop.CancelAsync();
            await checkpoints;
            // the last checkpoint ran after the last write: the files alone must hold everything
            await store.CheckpointAsync(default);
            Assert.That(Journals(Path.Combine(_directory, "crashed")), Is.Empty);
        });

        await using var reopened = new FileSessionStore(copy);
        foreach (var id in ids)
        {
            Assert.That((await reopened.LoadAsync(id, Now, default))!.Data.Find("n")!.ToInt64(), Is.EqualTo(Writes), id);
        }
    }

    [Test]
    public async Task A_journal_cut_short_keeps_every_entry_before_the_cut_and_logs_the_rest_without_its_content()
    {
        string first = NewId(), second = NewId();
        var copy = await CrashAfterAsync(async store =>
        {
            await store.UpdateAsync(Create(first, Set("secret", "hunter2-value")), default);
            await store.UpdateAsync(Create(second, Set("secret", "hunter2-value")), default);
        });
        var journal = Journals(copy).Single();
        var bytes = await File.ReadAllBytesAsync(journal);
        await File.WriteAllBytesAsync(journal, bytes[..^10]);

        await using var restarted = new FileSessionStore(copy, _logs);
        Assert.That(await restarted.LoadAsync(first, Now, default), Is.Not.Null);
        Assert.That(await restarted.LoadAsync(second, Now, default), Is.Null, "its entry was torn: as if never written");
        var warning = _logs.Lines.Single(l => l.Level == LogLevel.Warning).Message;
        Assert.That(warning, Does.Contain(Path.GetFileName(journal)).And.Contain("cut short").And.Not.Contain("hunter2"));
    }

    [Test]
    public async Task A_damaged_journal_entry_is_not_applied()
    {
        string id = NewId();
        var copy = await CrashAfterAsync(async store =>
        {
            await store.UpdateAsync(Create(id, Set("n", 1)), default);
            await store.UpdateAsync(Update(id, SessionOperation.Increment("n", 1)), default);
        });
        var journal = Journals(copy).Single();
        var bytes = await File.ReadAllBytesAsync(journal);
        bytes[^3] ^= 0xFF;
        await File.WriteAllBytesAsync(journal, bytes);

        await using var restarted = new FileSessionStore(copy, _logs);
        Assert.That((await restarted.LoadAsync(id, Now, default))!.Data.Find("n")!.ToInt64(), Is.EqualTo(1), "the last good entry");
    }

    [Test]
    public async Task Temporary_files_a_crash_left_are_removed_when_the_store_starts()
    {
        var leftover = Path.Combine(_directory, ".tmp-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(leftover, [1, 2, 3]);
        await using var restarted = new FileSessionStore(_directory);
        Assert.That(File.Exists(leftover), Is.False, "a fresh leftover, not only one an hour old");
    }

    [Test]
    public async Task An_existing_directory_readable_by_others_is_narrowed_to_its_owner_and_logged()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }
        var directory = Path.Combine(Path.GetTempPath(), "mongosess-tests", "wide-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
            using var logs = new ListLoggerFactory();
            await using var store = new FileSessionStore(directory, logs);
            Assert.That(File.GetUnixFileMode(directory), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            Assert.That(logs.Lines.Select(l => l.Message), Has.Some.Contains("could be read by other users"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Sessions_survive_a_new_store_on_the_same_directory()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("views", 7)), default);
        await using var reopened = new FileSessionStore(_directory);
        var record = await reopened.LoadAsync(id, Now, default);
        Assert.That(record!.Data.ToDictionary()["views"], Is.EqualTo(7));
    }

    [Test]
    public async Task Corrupt_file_reads_as_absent_is_logged_and_set_aside()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("secret", "hunter2-value")), default);
        await FileStore.CheckpointAsync(default);
        var path = FileStore.PathOf(id);
        var bytes = await File.ReadAllBytesAsync(path);
        // a torn write (a power cut): only the first half of the record reached the disk; the process that finds it is
        // a new one, which has not read the session yet
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        await using var restarted = new FileSessionStore(_directory, _logs);

        Assert.That(await restarted.LoadAsync(id, Now, default), Is.Null);
        Assert.That(File.Exists(path), Is.False);
        Assert.That(File.Exists(path + ".corrupt"), Is.True);
        var warning = _logs.Lines.Single(l => l.Level == LogLevel.Warning).Message;
        Assert.That(warning, Does.Contain(Path.GetFileName(path)).And.Not.Contain("hunter2"));
    }

    [Test]
    public async Task A_session_over_16_MiB_is_refused_and_the_stored_one_kept()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("small", 1)), default);
        var huge = new byte[17 * 1024 * 1024];
        Assert.ThrowsAsync<InvalidOperationException>(async () => await Store.UpdateAsync(Update(id, Set("huge", huge)), default));
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.Data.Keys, Is.EqualTo(new[] { "small" }));
    }

    [Test]
    public async Task Garbage_and_foreign_files_never_break_listing()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        await File.WriteAllTextAsync(Path.Combine(_directory, new string('0', 64) + ".session"), "not bson at all");
        await File.WriteAllTextAsync(Path.Combine(_directory, "README.txt"), "someone else's file");
        Assert.That(await Store.CountAsync(Now, default), Is.EqualTo(1));
        Assert.That(File.Exists(Path.Combine(_directory, "README.txt")), Is.True);
    }

    [TestCase("../../escape")]
    [TestCase("/etc/passwd")]
    [TestCase("a\\b:c")]
    public async Task Any_id_stays_inside_the_directory(string id)
    {
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        Assert.That(Path.GetDirectoryName(FileStore.PathOf(id)), Is.EqualTo(FileStore.Directory));
        Assert.That(await Store.LoadAsync(id, Now, default), Is.Not.Null);
        Assert.That(await Store.EndAsync(id, null, default), Is.True);
    }

    [Test]
    public async Task Ids_differing_only_in_case_are_different_sessions()
    {
        await Store.UpdateAsync(Create("AbC", Set("v", 1)), default);
        await Store.UpdateAsync(Create("abc", Set("v", 2)), default);
        Assert.That((await Store.LoadAsync("AbC", Now, default))!.Data.ToDictionary()["v"], Is.EqualTo(1));
        Assert.That((await Store.LoadAsync("abc", Now, default))!.Data.ToDictionary()["v"], Is.EqualTo(2));
    }

    [Test]
    public async Task Sweep_removes_temporary_files_left_by_a_crash_but_not_fresh_ones()
    {
        var abandoned = Path.Combine(_directory, ".tmp-abandoned");
        var fresh = Path.Combine(_directory, ".tmp-fresh");
        await File.WriteAllTextAsync(abandoned, "x");
        await File.WriteAllTextAsync(fresh, "x");
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddHours(-2));
        await Store.RemoveExpiredAsync(Now, default);
        Assert.That(File.Exists(abandoned), Is.False);
        Assert.That(File.Exists(fresh), Is.True);
    }

    [Test]
    public async Task Session_files_are_private_to_the_owner()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes do not apply on Windows; the directory inherits its ACL there.");
        }
        else
        {
            Assert.That(File.GetUnixFileMode(Journals(_directory).Single()), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "the journal");
            await FileStore.CheckpointAsync(default);
            Assert.That(File.GetUnixFileMode(FileStore.PathOf(id)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(_directory) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead), Is.EqualTo(UnixFileMode.None));
        }
    }
}
