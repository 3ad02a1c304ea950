using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Faults;

/// <summary>
/// A string with a lone UTF-16 surrogate (what cutting a string inside an emoji leaves) has no UTF-8 form, so BSON
/// cannot hold it. Every store must refuse it the same way, before any I/O, with an ArgumentException that names the
/// key: the memory store used to keep it while the file and MongoDB stores failed deep inside with an
/// EncoderFallbackException.
/// </summary>
[TestFixture]
internal sealed class InvalidTextTests
{
    private const string Emoji = "\ud83c\udf6a";

    private static readonly (string Shape, string Message, Func<MongoSess, Task> Write)[] s_invalidWrites =
    [
        ("string", "session key 'user' cannot be stored: it has", session => session.SetAsync("user", "ann" + Emoji[..1])),
        ("char", "session key 'initial'", session => session.SetAsync("initial", Emoji[1])),
        ("object", "session key 'cart'", session => session.SetAsync("cart", new { Name = Emoji[1..] + "x" })),
        ("dictionary key", "session key 'tags'", session => session.SetAsync("tags", new Dictionary<string, object?> { ["a" + Emoji[..1]] = 1 })),
        ("list", "session key 'names' cannot be stored: '1' in it has", session => session.SetAsync("names", new List<string> { "ok", Emoji[..1] })),
        ("several", "session key 'values' cannot be stored: 'b' in it has", session => session.SetAsync(new { a = 1, b = Emoji[..1] })),
        ("push", "session key 'log'", session => session.PushAsync("log", Emoji[1..])),
        ("flash", "session key 'message'", session => session.FlashAsync("message", "Welcome, " + Emoji[..1])),
        ("key", "A session key cannot contain a lone UTF-16 surrogate", session => session.SetAsync("k" + Emoji[..1], 1)),
    ];

    private MongoWireServer? _mongo;
    private string? _directory;

    [TearDown]
    public async Task CloseAsync()
    {
        await MongoSess.CloseAsync();
        if (_mongo is not null)
        {
            await _mongo.DisposeAsync();
            _mongo = null;
        }
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
            _directory = null;
        }
    }

    [TestCase("memory")]
    [TestCase("file")]
    [TestCase("mongodb")]
    public async Task A_lone_surrogate_is_refused_before_any_store_call_and_a_whole_emoji_round_trips(string store)
    {
        await ConnectAsync(store);
        var refused = new List<string>();
        await using var server = TestHttpServer.Start(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/read")
            {
                return await session.GetAsync<string>("user") ?? "(none)";
            }
            if (ctx.Request.Url!.AbsolutePath == "/write")
            {
                await session.SetAsync("user", "ann" + Emoji);
                return "written";
            }
            foreach (var (shape, _, write) in s_invalidWrites)
            {
                try
                {
                    await write(session);
                    refused.Add($"{shape}: accepted");
                }
                catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException))
                {
                    refused.Add($"{shape}: {e.Message}");
                }
            }
            return "done";
        });

        string raw = await RawHttp.SendAsync(server.Port, "GET", "/invalid");

        Assert.That(RawHttp.Body(raw), Is.EqualTo("done"));
        Assert.That(refused, Has.Count.EqualTo(s_invalidWrites.Length));
        for (int i = 0; i < s_invalidWrites.Length; i++)
        {
            Assert.That(refused[i], Does.StartWith(s_invalidWrites[i].Shape + ": ").And.Contain(s_invalidWrites[i].Message).And.Contain("lone UTF-16 surrogate"));
        }
        Assert.That(RawHttp.HeaderLines(raw, "Set-Cookie"), Is.Empty, "no session was created");
        Assert.That(await MongoSess.CountAsync(), Is.Zero);

        using var browser = server.CreateBrowser();
        Assert.That(await browser.GetStringAsync("/write"), Is.EqualTo("written"));
        Assert.That(await browser.GetStringAsync("/read"), Is.EqualTo("ann" + Emoji));
        Assert.That(server.Errors, Is.Empty);
    }

    private async Task ConnectAsync(string store)
    {
        await MongoSess.CloseAsync();
        var options = new MongoSessOptions { Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) } };
        switch (store)
        {
            case "memory":
                await MongoSess.ConnectAsync(new MemorySessionStore(), options);
                break;
            case "file":
                _directory = Directory.CreateTempSubdirectory("mongosess-text-").FullName;
                await MongoSess.ConnectAsync(new FileSessionStore(_directory), options);
                break;
            default:
                _mongo = MongoWireServer.Start();
                await MongoSess.ConnectAsync(MongoTestConnections.Options(_mongo.ConnectionString));
                break;
        }
    }
}
