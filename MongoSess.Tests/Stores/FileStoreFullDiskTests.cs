using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Stores;

/// <summary>
/// The file store on a disk that fills up: writes fail as "store unavailable" and change nothing, reads still serve,
/// and everything works again when space returns. A full disk is made on demand by the stream the store writes through.
/// </summary>
[TestFixture]
public sealed class FileStoreFullDiskTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private string _directory = null!;
    private bool _full;

    [SetUp]
    public void CreateDirectory() => _directory = Path.Combine(Path.GetTempPath(), "mongosess-tests", "full-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public async Task RemoveDirectory()
    {
        await MongoSess.CloseAsync();
        Directory.Delete(_directory, recursive: true);
    }

    // every file the store writes (its journal, the session files of a checkpoint) refuses writes while the disk is "full"
    private FileSessionStore Store() => new(_directory) { OpenForWrite = (path, options) => new FullDiskStream(path, options, () => _full) };

    [Test]
    public async Task A_write_on_a_full_disk_is_store_unavailable_changes_nothing_and_works_once_space_returns()
    {
        await using var store = Store();
        var id = MongoSessions.Cookies.SessionToken.New();
        await store.UpdateAsync(new SessionUpdate(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Increment("n", 1)], Now, Now.AddHours(1), createIfMissing: true), default);

        _full = true;
        var e = Assert.ThrowsAsync<MongoSessStoreUnavailableException>(async () =>
            await store.UpdateAsync(new SessionUpdate(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Increment("n", 1)], Now, Now.AddHours(1), createIfMissing: false), default));
        Assert.That(e!.Message, Does.Contain("No space left on device"));
        Assert.That((await store.LoadAsync(id, Now, default))!.Data.Find("n")!.ToInt64(), Is.EqualTo(1), "the acknowledged value is kept");
        Assert.That(Directory.EnumerateFiles(_directory, ".tmp-*"), Is.Empty, "no temporary file left behind");

        _full = false;
        await store.UpdateAsync(new SessionUpdate(id, MongoSessions.Cookies.SessionToken.Hash(id), [SessionOperation.Increment("n", 1)], Now, Now.AddHours(1), createIfMissing: false), default);
        Assert.That((await store.LoadAsync(id, Now, default))!.Data.Find("n")!.ToInt64(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_read_due_a_touch_on_a_full_disk_still_serves_what_it_read()
    {
        var clock = new FakeClock();
        var keys = new Keyring(Keyring.GenerateSecret());
        await MongoSess.ConnectAsync(Store(), new MongoSessOptions
        {
            Cookie = new SessionCookieOptions { Keys = keys },
            TimeProvider = clock,
            Cleanup = SessionCleanup.Off,
        });
        await using var server = TestHttpServer.Start(async (session, ctx) => ctx.Request.Url!.AbsolutePath == "/write"
            ? $"{await session.IncrementAsync("n")}"
            : $"{await session.GetAsync<long>("n")}");
        var raw = await RawHttp.SendAsync(server.Port, "GET", "/write");
        var cookie = "Cookie: sess=" + raw.Split("sess=")[1].Split(';')[0];

        // past TouchAfter, a read wants to extend the session: the disk is full, so it serves what it read instead
        clock.Advance(TimeSpan.FromDays(2));
        _full = true;
        var read = await RawHttp.SendAsync(server.Port, "GET", "/read", cookie);
        Assert.That(read, Does.StartWith("HTTP/1.1 200"));
        Assert.That(RawHttp.Body(read), Is.EqualTo("1"));
        Assert.That(RawHttp.HeaderLines(read, "Set-Cookie"), Is.Empty, "the expiry did not move, so neither does the cookie");

        // a write cannot be served: the application sees the store-unavailable exception (the demo answers 503)
        var write = await RawHttp.SendAsync(server.Port, "GET", "/write", cookie);
        Assert.That(write, Does.Not.StartWith("HTTP/1.1 200"));
        _full = false;
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(server.Port, "GET", "/write", cookie)), Is.EqualTo("2"), "nothing lost, and it recovers by itself");
    }

    private sealed class FullDiskStream(string path, FileStreamOptions options, Func<bool> full) : FileStream(path, options)
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            full() ? ValueTask.FromException(NoSpace()) : base.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            full() ? Task.FromException(NoSpace()) : base.WriteAsync(buffer, offset, count, cancellationToken);

        // what write(2) answers on a full disk, whichever way the store writes
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (full())
            {
                throw NoSpace();
            }
            base.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (full())
            {
                throw NoSpace();
            }
            base.Write(buffer, offset, count);
        }

        private static IOException NoSpace() => new("No space left on device", 28);
    }
}
