using System.Net;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Demo;

/// <summary>
/// The file store under kill -9: the demo is killed while browsers count, and started again on the same directory.
/// Every count a browser was answered must still be there, and no file may be torn.
/// </summary>
[TestFixture]
public sealed class CrashSafetyTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Path.Combine(Path.GetTempPath(), "mongosess-tests", "crash-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void DeleteDirectory()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        if (File.Exists(_directory + ".secret"))
        {
            File.Delete(_directory + ".secret");
        }
    }

    [Test]
    public async Task A_killed_demo_loses_no_acknowledged_count_and_leaves_no_torn_file()
    {
        const int Browsers = 4;
        var jars = Enumerable.Range(0, Browsers).Select(_ => new CookieContainer()).ToArray();
        var acknowledged = new long[Browsers];
        for (int round = 0; round < 3; round++)
        {
            using var demo = await DemoProcess.StartAsync("--port", $"{FreePort.Next()}", "--store", "file", "--sessions-dir", _directory);
            var clients = jars.Select(jar => CookieClient(demo, jar)).ToArray();
            // each browser first checks that everything it was answered before the last kill is there
            for (int b = 0; b < Browsers; b++)
            {
                if (acknowledged[b] > 0)
                {
                    long now = long.Parse(await clients[b].GetStringAsync("/views"), System.Globalization.CultureInfo.InvariantCulture);
                    Assert.That(now, Is.InRange(acknowledged[b] + 1, acknowledged[b] + 2), $"browser {b}, round {round}: answered {acknowledged[b]} before the kill");
                    acknowledged[b] = now;
                }
            }
            using var stop = new CancellationTokenSource();
            var started = (long[])acknowledged.Clone();
            var counting = Enumerable.Range(0, Browsers).Select(b => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        acknowledged[b] = long.Parse(await clients[b].GetStringAsync("/views", stop.Token), System.Globalization.CultureInfo.InvariantCulture);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        // killed while this request was on its way: it was never answered, so it counts for nothing
                        return;
                    }
                }
            })).ToArray();
            // kill once every browser has been answered a few times in this round (however slow the machine); from the
            // second round on, only after a checkpoint has moved the journal into the files and retired it, so that the
            // kill leaves both files and a newer journal to replay
            await WaitUntilAsync(() => Enumerable.Range(0, Browsers).All(b => acknowledged[b] >= started[b] + 3), "answers before the kill");
            if (round > 0)
            {
                var journal = Directory.GetFiles(_directory, "journal-*.log").Min();
                await WaitUntilAsync(() => journal is null || !File.Exists(journal), "a checkpoint");
                started = (long[])acknowledged.Clone();
                await WaitUntilAsync(() => Enumerable.Range(0, Browsers).All(b => acknowledged[b] >= started[b] + 3), "answers after the checkpoint");
            }
            await demo.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(counting);
            Assert.That(acknowledged, Has.All.GreaterThan(0), "every browser was answered before the kill");
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        Assert.That(Directory.EnumerateFiles(_directory, "*.corrupt"), Is.Empty, "no torn session file");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"waited 60 s for {what}");
            }
            await Task.Delay(20);
        }
    }

    private static HttpClient CookieClient(DemoProcess demo, CookieContainer jar) =>
        new(new HttpClientHandler { CookieContainer = jar, UseCookies = true }) { BaseAddress = demo.Url, Timeout = TimeSpan.FromSeconds(10) };
}
