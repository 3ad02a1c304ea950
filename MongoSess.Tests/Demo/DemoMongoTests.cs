using System.Net;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Demo;

/// <summary>The demo on the MongoDB store, against the in-test wire server on loopback.</summary>
[TestFixture]
internal sealed class DemoMongoTests
{
    private const string Password = "demo-Secret-42";

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

    private string[] Args(string uri) =>
        ["--port", $"{FreePort.Next()}", "--store", "mongodb", "--mongo", uri, "--sessions-dir", _sessionsDirectory];

    [Test]
    public async Task The_demo_counts_views_in_MongoDB()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("demo", Password)] });
        using var demo = await DemoProcess.StartAsync(Args($"mongodb://demo:{Password}@{server.HostAndPort}/shop?authSource=admin"));
        Assert.That(demo.Output, Does.Contain("MongoDB store").And.Not.Contain(Password));
        using var client = demo.CreateClient(new CookieContainer());
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("2"));
        Assert.That(server.Store.Documents("shop", "sessions"), Has.Count.EqualTo(1));
        await demo.TerminateAsync();
        Assert.That(await demo.WaitForExitAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task The_demo_keeps_counting_on_a_replica_set_through_not_writable_primary_and_dropped_connections()
    {
        await using var set = await MongoWireReplicaSet.StartAsync(options: new MongoWireServerOptions { Users = [new MongoWireUser("demo", Password, "admin", MongoWireUser.ScramSha256)] });
        var hosts = string.Join(",", set.Members.Select(m => m.HostAndPort));
        using var demo = await DemoProcess.StartAsync(Args($"mongodb://demo:{Password}@{hosts}/shop?replicaSet={set.SetName}&authSource=admin&authMechanism=SCRAM-SHA-256&heartbeatFrequencyMS=500"));
        using var client = demo.CreateClient(new CookieContainer());
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));

        // each fault hits one write: the driver retries it once, and the server applies it once
        set.Primary.Faults.Fail("findAndModify", 10107, codeName: "NotWritablePrimary", errorLabels: ["RetryableWriteError"]);
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("2"));
        set.Primary.Faults.CloseAfterExecute("findAndModify");
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("3"));
        set.Primary.Faults.CloseBeforeReply("findAndModify");
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("4"));

        Assert.That(set.Primary.Faults.Fired, Is.EqualTo(3));
        Assert.That(set.Store.RetriesAnswered, Is.EqualTo(1), "the write whose reply was lost was answered from the retry record, not applied twice");
        Assert.That(demo.Output, Does.Not.Contain(Password));
        await demo.TerminateAsync();
        Assert.That(await demo.WaitForExitAsync(), Is.EqualTo(0));
    }

    [Test]
    public async Task Failed_authentication_exits_non_zero_with_a_reason_and_no_password()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("demo", Password)] });
        var (exitCode, output) = await DemoProcess.RunToExitAsync(Args($"mongodb://demo:wrong-{Password}@{server.HostAndPort}/?authSource=admin"));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("Authentication failed").And.Not.Contain(Password));
    }

    [Test]
    public async Task An_unreachable_server_exits_non_zero_within_the_selection_timeout()
    {
        var (exitCode, output) = await DemoProcess.RunToExitAsync(Args($"mongodb://demo:{Password}@127.0.0.1:{FreePort.Next()}/?serverSelectionTimeoutMS=300&connectTimeoutMS=200"));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("No suitable MongoDB server").And.Not.Contain(Password));
    }

    [Test]
    public async Task A_bad_uri_exits_non_zero_without_echoing_it()
    {
        var (exitCode, output) = await DemoProcess.RunToExitAsync(Args($"mongodb://demo:{Password}@host:99999/"));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("error:").And.Not.Contain(Password));
    }
}
