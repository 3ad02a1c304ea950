using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>
/// What a request costs on the wire with the MongoDB store, counted by the server: one command per write, at most one
/// read per request, nothing for a request that never touches its session.
/// </summary>
[TestFixture]
public sealed class CommandsPerRequestTests
{
    private static readonly string[] s_dataCommands = ["find", "findAndModify", "insert", "delete", "update", "aggregate", "getMore"];

    private MongoWireServer _server = null!;
    private TestHttpServer _http = null!;

    [SetUp]
    public async Task StartAsync()
    {
        await MongoSess.CloseAsync();
        _server = MongoWireServer.Start();
        await MongoSess.ConnectAsync(MongoTestConnections.Options(_server.ConnectionString));
        _http = TestHttpServer.Start(async (session, ctx) =>
        {
            switch (ctx.Request.Url!.AbsolutePath)
            {
                case "/untouched":
                    return "-";
                case "/read":
                    return await session.GetAsync<string>("user") ?? "nobody";
                case "/read-then-write":
                    var user = await session.GetAsync<string>("user");
                    await session.SetAsync("seen", true);
                    return user ?? "nobody";
                case "/two-writes":
                    await session.IncrementAsync("views");
                    await session.SetAsync("last", "two-writes");
                    return "ok";
                default:
                    return (await session.IncrementAsync("views")).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _http.DisposeAsync();
        await MongoSess.CloseAsync();
        await _server.DisposeAsync();
    }

    // the data commands the server received during one request (monitoring's hello and the like left out)
    private async Task<string> CommandsOfAsync(string path, string? cookie)
    {
        var before = s_dataCommands.ToDictionary(c => c, c => _server.Statistics.CommandCount(c));
        var raw = cookie is null
            ? await RawHttp.SendAsync(_http.Port, "GET", path)
            : await RawHttp.SendAsync(_http.Port, "GET", path, "Cookie: sess=" + cookie);
        var sent = s_dataCommands.Select(c => (Name: c, Count: _server.Statistics.CommandCount(c) - before[c])).Where(c => c.Count > 0);
        var line = RawHttp.HeaderLines(raw, "Set-Cookie").FirstOrDefault(l => l.StartsWith("sess=", StringComparison.Ordinal));
        _lastCookie = line?["sess=".Length..].Split(';')[0] ?? _lastCookie;
        _lastExpires = line is null ? null : RawHttp.CookieAttribute(line, "Expires");
        return string.Join(", ", sent.Select(c => $"{c.Name} x{c.Count}"));
    }

    private string? _lastCookie;

    // the Expires attribute of the last request's session cookie; null when it sent none
    private string? _lastExpires;

    [Test]
    public async Task Each_request_sends_one_command_per_write_at_most_one_read_and_none_when_untouched()
    {
        Assert.That(await CommandsOfAsync("/views", null), Is.EqualTo("insert x1"), "the first write creates the session");
        var cookie = _lastCookie;
        Assert.That(await CommandsOfAsync("/views", cookie), Is.EqualTo("findAndModify x1"), "a write: one findAndModify, no read");
        Assert.That(await CommandsOfAsync("/untouched", cookie), Is.Empty, "never touched: nothing");
        Assert.That(await CommandsOfAsync("/untouched", null), Is.Empty);
        Assert.That(await CommandsOfAsync("/read", cookie), Is.EqualTo("find x1"), "a read: one find");
        Assert.That(await CommandsOfAsync("/read", null), Is.Empty, "no cookie, no session, no read");
        Assert.That(await CommandsOfAsync("/read-then-write", cookie), Is.EqualTo("find x1, findAndModify x1"));
        Assert.That(await CommandsOfAsync("/two-writes", cookie), Is.EqualTo("findAndModify x2"), "one command per write");
    }

    [Test]
    public async Task A_write_resends_a_persistent_cookie_only_when_its_one_command_moved_the_stored_expiry()
    {
        var clock = new FakeClock();
        await MongoSess.CloseAsync();
        var options = MongoTestConnections.Options(_server.ConnectionString);
        options.TimeProvider = clock;
        await MongoSess.ConnectAsync(options);

        Assert.That(await CommandsOfAsync("/views", null), Is.EqualTo("insert x1"));
        var cookie = _lastCookie!;
        var created = StoredExpiry();
        Assert.That(_lastExpires, Is.EqualTo(created.UtcDateTime.ToString("r")));

        // a minute later: stored with one findAndModify whose $max left the expiry where it was, so no cookie
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await CommandsOfAsync("/views", cookie), Is.EqualTo("findAndModify x1"));
        Assert.That(_lastExpires, Is.Null, "no Set-Cookie");
        Assert.That(StoredExpiry(), Is.EqualTo(created));

        // past TouchAfter (1.4 days by default): the same one command moves it, and the cookie carries the stored expiry
        clock.Advance(TimeSpan.FromDays(1.4));
        Assert.That(await CommandsOfAsync("/views", cookie), Is.EqualTo("findAndModify x1"));
        var moved = StoredExpiry();
        Assert.That(moved, Is.GreaterThan(created).And.LessThanOrEqualTo(clock.GetUtcNow().AddDays(14)));
        Assert.That(_lastExpires, Is.EqualTo(moved.UtcDateTime.ToString("r")), "browser and store agree");

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await CommandsOfAsync("/views", cookie), Is.EqualTo("findAndModify x1"));
        Assert.That(_lastExpires, Is.Null, "no Set-Cookie");
        Assert.That(StoredExpiry(), Is.EqualTo(moved));
    }

    private DateTimeOffset StoredExpiry()
    {
        lock (_server.Store.Gate)
        {
            var document = _server.Store.Find("mongosess", "sessions")!.Documents.Single();
            return MongoSessions.Values.BsonConversions.ToDateTimeOffset(document["expiresAt"].AsBsonDateTime);
        }
    }
}
