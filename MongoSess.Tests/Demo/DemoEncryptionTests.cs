using System.Net;
using System.Text;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Demo;

/// <summary>The demo with MONGOSESS_ENCRYPTION_KEYS: session files hold no plaintext, and a bad key stops it with a reason.</summary>
[TestFixture]
internal sealed class DemoEncryptionTests
{
    private string _sessionsDirectory = null!;

    [SetUp]
    public void CreateSessionsDirectory() => _sessionsDirectory = Directory.CreateTempSubdirectory("mongosess-demo-").FullName;

    [TearDown]
    public void RemoveSessionsDirectory()
    {
        Directory.Delete(_sessionsDirectory, recursive: true);
        // the demo keeps its signing secret beside the sessions directory
        File.Delete(_sessionsDirectory + ".secret");
    }

    private string[] Args() => ["--port", $"{FreePort.Next()}", "--store", "file", "--sessions-dir", _sessionsDirectory];

    [Test]
    public async Task With_encryption_keys_the_session_files_hold_no_plaintext()
    {
        var environment = new Dictionary<string, string> { ["MONGOSESS_ENCRYPTION_KEYS"] = "demo-1:" + EncryptionKey.GenerateKey() };
        using var demo = await DemoProcess.StartAsync(Args(), environment);
        Assert.That(demo.Output, Does.Contain("encryption at rest: on (key demo-1)"));
        using var client = demo.CreateClient(new CookieContainer());
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("2"));
        // while it runs the writes are in the store's journal (a checkpoint may have moved them to the file already)
        // (and a checkpoint may delete a journal between listing and reading it: the listing is taken again then)
        int read = 0;
        for (int attempt = 0; attempt < 5 && read == 0; attempt++)
        {
            foreach (var file in Directory.GetFiles(_sessionsDirectory, "journal-*").Concat(Directory.GetFiles(_sessionsDirectory, "*.session")))
            {
                byte[] bytes;
                try
                {
                    bytes = await File.ReadAllBytesAsync(file);
                }
                catch (FileNotFoundException)
                {
                    continue;
                }
                Assert.That(Encoding.UTF8.GetString(bytes), Does.Not.Contain("views"), Path.GetFileName(file));
                read += bytes.Length > 0 ? 1 : 0;
            }
        }
        Assert.That(read, Is.Positive, "the writes are somewhere on disk");
        await demo.TerminateAsync();
        Assert.That(await demo.WaitForExitAsync(), Is.Zero);
        // a clean stop leaves the session in its file
        var files = Directory.GetFiles(_sessionsDirectory, "*.session");
        Assert.That(files, Has.Length.EqualTo(1));
        var content = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(files[0]));
        Assert.That(content, Does.Contain("encrypted").And.Not.Contain("views"));
        Assert.That(Directory.GetFiles(_sessionsDirectory, "journal-*"), Is.Empty);
    }

    [Test]
    public async Task A_bad_encryption_key_stops_the_demo_with_a_reason_and_without_the_key()
    {
        const string BadKey = "c2hvcnQta2V5LXZhbHVl";
        var (exitCode, output) = await DemoProcess.RunToExitAsync(Args(), new Dictionary<string, string> { ["MONGOSESS_ENCRYPTION_KEYS"] = "demo-1:" + BadKey });
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("MONGOSESS_ENCRYPTION_KEYS").And.Contain("32 bytes").And.Not.Contain(BadKey));
    }
}
