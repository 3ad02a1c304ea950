using MongoSessions.Tests.Sessions;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Diagnostics;

// listeners are process-wide: no other fixture runs while these count
[TestFixture]
[NonParallelizable]
public sealed class SessionMetricsTests : SessionTestBase
{
    private MetricRecorder _metrics = null!;

    [SetUp]
    public void Listen() => _metrics = new MetricRecorder();

    [TearDown]
    public void StopListening() => _metrics.Dispose();

    private TestHttpServer ServeRoutes() => Serve(async (session, ctx) =>
    {
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/write":
                await session.SetAsync("a", 1);
                break;
            case "/regenerate":
                await session.RegenerateAsync();
                break;
            case "/end":
                await session.EndAsync();
                break;
            default:
                await session.GetAsync<int>("a");
                break;
        }
        return "ok";
    });

    private double Count(string instrument) => _metrics.Sum("mongosess.sessions." + instrument);

    [Test]
    public async Task A_first_write_counts_a_created_session_and_a_later_read_a_loaded_one()
    {
        ServeRoutes();
        using var browser = Server!.CreateBrowser();
        await GetTextAsync(browser, "/read");
        Assert.That((Count("created"), Count("loaded")), Is.EqualTo((0.0, 0.0)), "no cookie: nothing to load, nothing created by a read");

        await GetTextAsync(browser, "/write");
        Assert.That((Count("created"), Count("loaded")), Is.EqualTo((1.0, 0.0)));

        await GetTextAsync(browser, "/write");
        await GetTextAsync(browser, "/read");
        Assert.That((Count("created"), Count("loaded")), Is.EqualTo((1.0, 1.0)), "a write to a known session loads nothing; the read loads it once");
        Assert.That(_metrics.Of("mongosess.sessions.created").Single().Instrument.Unit, Is.EqualTo("{session}"));
    }

    [Test]
    public async Task Regenerating_and_ending_a_session_are_counted()
    {
        ServeRoutes();
        using var browser = Server!.CreateBrowser();
        await GetTextAsync(browser, "/write");
        await GetTextAsync(browser, "/regenerate");
        Assert.That((Count("created"), Count("regenerated"), Count("ended")), Is.EqualTo((1.0, 1.0, 0.0)), "a new id is not a new session");

        await GetTextAsync(browser, "/end");
        await GetTextAsync(browser, "/end");
        Assert.That(Count("ended"), Is.EqualTo(1), "the second request has no session left to end");
    }

    [Test]
    public async Task Rejected_cookies_are_counted_by_reason()
    {
        ServeRoutes();
        using var client = Server!.CreateRawClient();
        var id = MongoSessions.Cookies.SessionToken.New();
        var forged = MongoSessions.Cookies.CookieSigner.Sign(id, new Keyring(Keyring.GenerateSecret()));
        var genuine = MongoSessions.Cookies.CookieSigner.Sign(id, new Keyring(Secret));

        await GetTextAsync(client, "/read", "sess=not-a-session-cookie");
        await GetTextAsync(client, "/read", "sess=" + forged);
        await GetTextAsync(client, "/read", "sess=" + forged[..^2] + "!!");
        await GetTextAsync(client, "/read", "sess=" + genuine);

        var rejected = _metrics.Of("mongosess.cookies.rejected");
        Assert.That(rejected.Select(m => m.Tag("reason")), Is.EquivalentTo(new[] { "malformed", "bad_signature", "malformed" }), string.Join("; ", rejected));
        Assert.That(rejected.Select(m => m.Value), Has.All.EqualTo(1));
    }

    [Test]
    public async Task The_connected_store_is_timed_whatever_its_type()
    {
        ServeRoutes();
        using var browser = Server!.CreateBrowser();
        await GetTextAsync(browser, "/write");
        await MongoSess.CountAsync();
        await MongoSess.RemoveExpiredAsync();

        // SessionTestBase connects a CountingStore around a memory store; the decorator passes the memory store's name on
        var operations = _metrics.Of("mongosess.store.operation.duration", ("store", "memory")).Select(m => m.Tag("operation"));
        Assert.That(operations, Is.EqualTo(new[] { "update", "count", "remove_expired" }));
    }
}
