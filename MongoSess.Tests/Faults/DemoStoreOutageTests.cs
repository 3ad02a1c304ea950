using System.Diagnostics;
using System.Net;
using MongoSessions.Tests.Demo;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Faults;

/// <summary>The demo on the MongoDB store while the server goes away and comes back on the same port.</summary>
[TestFixture]
internal sealed class DemoStoreOutageTests
{
    private const string Password = "outage-Secret-31";

    private static readonly TimeSpan s_recoveryLimit = TimeSpan.FromSeconds(20);

    private string _sessionsDirectory = null!;

    [SetUp]
    public void CreateSessionsDirectory() => _sessionsDirectory = Directory.CreateTempSubdirectory("mongosess-outage-").FullName;

    [TearDown]
    public void RemoveSessionsDirectory()
    {
        Directory.Delete(_sessionsDirectory, recursive: true);
        // the demo keeps its signing secret beside the sessions directory
        File.Delete(_sessionsDirectory + ".secret");
    }

    [Test]
    public async Task The_demo_answers_503_while_the_store_is_down_and_recovers_by_itself()
    {
        var options = new MongoWireServerOptions { Users = [new MongoWireUser("demo", Password)] };
        var server = MongoWireServer.Start(options);
        int mongoPort = server.Port;
        var data = server.Store;
        // a fresh process connects with a cold JIT: generous connect and selection timeouts, or the start itself can fail
        string uri = $"mongodb://demo:{Password}@{server.HostAndPort}/shop?authSource=admin&serverSelectionTimeoutMS=1000&connectTimeoutMS=2000&heartbeatFrequencyMS=500";
        using var demo = await DemoProcess.StartAsync("--port", $"{FreePort.Next()}", "--store", "mongodb", "--mongo", uri, "--sessions-dir", _sessionsDirectory);
        using var client = demo.CreateClient(new CookieContainer());
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));

        await server.DisposeAsync();
        using (var down = await client.GetAsync("/views"))
        {
            string body = await down.Content.ReadAsStringAsync();
            Assert.That(down.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body, Is.EqualTo("the session store is unavailable; try again in a few seconds"));
            Assert.That(down.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(down.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        }
        using (var home = await client.GetAsync("/"))
        {
            Assert.That(home.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "every route that needs the session");
        }
        Assert.That(await client.GetStringAsync("/healthz"), Is.EqualTo("ok"), "the process is up");

        await using var restarted = new MongoWireServer(options with { Port = mongoPort }, data, null);
        var (status, text) = await PollUntilNot503Async(client, "/views");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(text, Is.EqualTo("2"), "the same session, counted on from where it was");
        Assert.That(demo.Output, Does.Contain("GET /views: session store unavailable: "));
        Assert.That(demo.Output, Does.Not.Contain(Password).And.Not.Contain("   at "), "no password, no stack trace");
        Assert.That(demo.Output, Does.Not.Contain("failed to answer"), "no 500 on the way");
    }

    private static async Task<(HttpStatusCode Status, string Text)> PollUntilNot503Async(HttpClient client, string path)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || watch.Elapsed > s_recoveryLimit)
            {
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            await Task.Delay(100);
        }
    }
}
