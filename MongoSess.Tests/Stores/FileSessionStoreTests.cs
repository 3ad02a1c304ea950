using MongoSessions.Tests.Support;
using Microsoft.Extensions.Logging;

using MongoSessions.Testing;

namespace MongoSessions.Tests.Stores;

[TestFixture]
public sealed class FileSessionStoreTests : SessionStoreContract
{
    private string _directory = null!;
    private ListLoggerFactory _logs = null!;

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

    // each file write is flushed to disk, so fewer rounds keep the test fast
    protected override int UpdatesPerWorker => 40;

    private FileSessionStore FileStore => (FileSessionStore)Store;

    [Test]
    public async Task With_every_write_durability_every_write_flushes_the_directory_after_its_rename()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("NTFS journals renames; the directory flush is for Linux and macOS.");
        }
        await using var store = new FileSessionStore(_directory, FileDurability.EveryWrite);
        var id = NewId();
        long before = DirectorySync.Flushes;
        await store.UpdateAsync(Create(id, Set("views", 1)), default);
        await store.UpdateAsync(Update(id, SessionOperation.Increment("views", 1)), default);
        Assert.That(DirectorySync.Flushes - before, Is.GreaterThanOrEqualTo(2), "one directory fsync per acknowledged write");
    }

    [Test]
    public async Task By_default_writes_are_forced_to_the_disk_in_the_background_and_all_of_them_at_dispose()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("NTFS journals renames; the directory flush is for Linux and macOS.");
        }
        var store = new FileSessionStore(Path.Combine(_directory, "every-second"));
        Assert.That(store.Durability, Is.EqualTo(FileDurability.EverySecond));
        var id = NewId();
        long before = DirectorySync.Flushes;
        await store.UpdateAsync(Create(id, Set("views", 0)), default);
        for (int i = 0; i < 20; i++)
        {
            await store.UpdateAsync(Update(id, SessionOperation.Increment("views", 1)), default);
        }
        Assert.That((await store.LoadAsync(id, Now, default))!.Data.Find("views"), Is.EqualTo(new MongoDB.Bson.BsonInt64(20)), "read back at once");
        await store.DisposeAsync();
        // 21 writes: one flush each would be 21; one round a second (these take well under one) plus the last at dispose
        Assert.That(DirectorySync.Flushes - before, Is.InRange(1, 4));
        await store.DisposeAsync();
        Assert.That(Directory.EnumerateFiles(Path.Combine(_directory, "every-second"), "*.session").Count(), Is.EqualTo(1));
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
            Assert.That(File.GetUnixFileMode(FileStore.PathOf(id)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(_directory) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead), Is.EqualTo(UnixFileMode.None));
        }
    }
}
