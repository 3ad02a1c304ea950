using System.Net;

using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Demo;

[TestFixture]
public sealed class DemoLifecycleTests
{
    private string _sessionsDirectory = null!;

    private string SecretPath => _sessionsDirectory + ".secret";
    private readonly List<DemoProcess> _demos = [];

    [SetUp]
    public void CreateSessionsDirectory() =>
        _sessionsDirectory = Directory.CreateTempSubdirectory("mongosess-demo-").FullName;

    [TearDown]
    public void KillDemos()
    {
        foreach (var demo in _demos)
        {
            demo.Dispose();
        }
        _demos.Clear();
        Directory.Delete(_sessionsDirectory, recursive: true);
        File.Delete(SecretPath);
    }

    [Test]
    public async Task Sessions_survive_a_restart_with_the_file_store()
    {
        var cookies = new CookieContainer();
        var first = await StartAsync(FileStoreArgs(Support.FreePort.Next()));
        using (var client = first.CreateClient(cookies))
        {
            Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));
            Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("2"));
        }
        await first.TerminateAsync();
        Assert.That(await first.WaitForExitAsync(), Is.Zero);

        // same port, so the browser's cookie (scoped to the host) goes to the new process
        var second = await StartAsync(FileStoreArgs(first.Port));
        using (var client = second.CreateClient(cookies))
        {
            Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("3"));
        }
        Assert.That(second.Output, Does.Contain(SecretPath));
        Assert.That(File.Exists(SecretPath), Is.True);
        Assert.That(Directory.EnumerateFiles(_sessionsDirectory, "*secret*"), Is.Empty, "a copy of the sessions carries no signing key");
    }

    [Test]
    public async Task A_secret_an_earlier_version_kept_among_the_sessions_is_moved_beside_them()
    {
        var old = Path.Combine(_sessionsDirectory, ".secret");
        await File.WriteAllTextAsync(old, Keyring.GenerateSecret());
        string secret = await File.ReadAllTextAsync(old);
        var demo = await StartAsync(FileStoreArgs(Support.FreePort.Next()));
        await demo.TerminateAsync();
        Assert.That(await demo.WaitForExitAsync(), Is.Zero);
        Assert.That(File.Exists(old), Is.False);
        Assert.That(await File.ReadAllTextAsync(SecretPath), Is.EqualTo(secret), "the same key, so the cookies it signed stay valid");
    }

    [Test]
    public async Task Sessions_signed_with_another_key_are_not_accepted_after_a_restart()
    {
        var cookies = new CookieContainer();
        var environment = new Dictionary<string, string> { ["MONGOSESS_KEYS"] = Keyring.GenerateSecret() };
        var first = await StartAsync(FileStoreArgs(Support.FreePort.Next()), environment);
        using (var client = first.CreateClient(cookies))
        {
            Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));
        }
        Assert.That(first.Output, Does.Contain("from MONGOSESS_KEYS"));
        first.Dispose();

        // without MONGOSESS_KEYS the demo signs with its kept secret, which never signed this cookie
        var second = await StartAsync(FileStoreArgs(first.Port));
        using (var client = second.CreateClient(cookies))
        {
            Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));
        }
    }

    [Test]
    public async Task The_kept_secret_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes do not apply on Windows");
            return;
        }
        await StartAsync(FileStoreArgs(Support.FreePort.Next()));

        var mode = File.GetUnixFileMode(SecretPath);

        Assert.That(mode, Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public async Task Memory_store_runs_with_an_ephemeral_key()
    {
        var demo = await StartAsync("--port", $"{Support.FreePort.Next()}", "--store", "memory", "--sessions-dir", _sessionsDirectory);
        using var client = demo.CreateClient();

        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("2"));
        Assert.That(demo.Output, Does.Contain("(memory store)"));
        Assert.That(demo.Output, Does.Contain("generated for this run only"));
        Assert.That(File.Exists(SecretPath), Is.False);
    }

    [Test]
    public async Task Prints_the_url_and_the_file_store_folder()
    {
        int port = Support.FreePort.Next();

        var demo = await StartAsync(FileStoreArgs(port));

        Assert.That(demo.Output, Does.Contain($"MongoSess demo listening on http://localhost:{port}/ (file store: {_sessionsDirectory})"));
    }

    [Test]
    public async Task Sigterm_stops_the_server_with_exit_code_0()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("SIGTERM is a Unix signal");
        }
        var demo = await StartAsync(FileStoreArgs(Support.FreePort.Next()));
        using (var client = demo.CreateClient())
        {
            Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));
        }

        await demo.TerminateAsync();

        Assert.That(await demo.WaitForExitAsync(), Is.Zero);
        Assert.That(demo.Output, Does.Contain("stopped"));
    }

    [TestCase("--bogus", "unknown option '--bogus'")]
    [TestCase("--port", "--port needs a value")]
    [TestCase("--port abc", "--port must be a number")]
    [TestCase("--port 70000", "--port must be a number")]
    [TestCase("--store nosql", "--store must be 'file', 'memory' or 'mongodb'")]
    public async Task Bad_option_exits_with_code_2_and_says_why(string args, string message)
    {
        var (exitCode, output) = await DemoProcess.RunToExitAsync(args.Split(' '));

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain(message));
        Assert.That(output, Does.Contain("usage: DemoServer"));
    }

    [Test]
    public async Task Busy_port_exits_with_code_1_and_says_so()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("http.sys shares ports with plain sockets, so the port is not busy to it");
        }
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        int port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var (exitCode, output) = await DemoProcess.RunToExitAsync(FileStoreArgs(port));

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain($"cannot listen on port {port}"));
    }

    [Test]
    public async Task Help_prints_usage_and_exits_0()
    {
        var (exitCode, output) = await DemoProcess.RunToExitAsync("--help");

        Assert.That(exitCode, Is.Zero);
        Assert.That(output, Does.Contain("--sessions-dir DIR"));
    }

    private string[] FileStoreArgs(int port) => ["--port", $"{port}", "--sessions-dir", _sessionsDirectory];

    private Task<DemoProcess> StartAsync(params string[] args) => StartAsync(args, environment: null);

    private async Task<DemoProcess> StartAsync(string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var demo = await DemoProcess.StartAsync(args, environment);
        _demos.Add(demo);
        return demo;
    }
}
