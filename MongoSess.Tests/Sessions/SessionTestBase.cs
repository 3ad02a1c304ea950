using System.Net;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

/// <summary>Connects MongoSess to a counted memory store with a fake clock for each test, and closes it after.</summary>
public abstract class SessionTestBase
{
    protected static readonly string Secret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    internal CountingStore Store { get; private set; } = null!;

    internal FakeClock Clock { get; private set; } = null!;

    internal TestHttpServer? Server { get; set; }

    [SetUp]
    public async Task ConnectAsync()
    {
        await MongoSess.CloseAsync();
        Clock = new FakeClock();
        Store = new CountingStore(new MemorySessionStore());
        await MongoSess.ConnectAsync(Store, Options());
    }

    [TearDown]
    public async Task CloseAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
            Server = null;
        }
        await MongoSess.CloseAsync();
        // Close disposed it already; disposing a memory store twice is harmless and keeps the analyzer's rule simple
        await Store.DisposeAsync();
    }

    protected MongoSessOptions Options(Keyring? keys = null) => new()
    {
        Cookie = new SessionCookieOptions { Keys = keys ?? new Keyring(Secret) },
        TimeProvider = Clock,
        Cleanup = SessionCleanup.Off,
    };

    protected async Task ReconnectAsync(MongoSessOptions options)
    {
        var inner = Store.Inner;
        await MongoSess.CloseAsync();
        // the store object outlives the reconnect only because this test says so: Close disposed nothing in memory
        Store = new CountingStore(inner);
        await MongoSess.ConnectAsync(Store, options);
    }

    /// <summary>Runs <paramref name="write"/> in one request and <paramref name="read"/> in the next, on one session.</summary>
    protected async Task<string> RoundTripAsync(Func<MongoSess, Task> write, Func<MongoSess, Task<string>> read)
    {
        Serve(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/write")
            {
                await write(session);
                return "written";
            }
            return await read(session);
        });
        using var browser = Server!.CreateBrowser();
        Assert.That(await GetTextAsync(browser, "/write"), Is.EqualTo("written"));
        return await GetTextAsync(browser, "/read");
    }

    internal TestHttpServer Serve(Func<MongoSess, HttpListenerContext, Task<string>> handler) => Server = TestHttpServer.Start(handler);

    /// <summary>The session cookie value in a raw response, or null.</summary>
    protected static string? SessionCookieValue(string rawResponse, string name = "sess")
    {
        foreach (var line in RawHttp.HeaderLines(rawResponse, "Set-Cookie"))
        {
            if (line.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..].Split(';')[0];
            }
        }
        return null;
    }

    protected static string? SessionCookieValue(HttpResponseMessage response, string name = "sess")
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var lines))
        {
            return null;
        }
        foreach (var line in lines)
        {
            if (line.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..].Split(';')[0];
            }
        }
        return null;
    }

    protected static async Task<string> GetTextAsync(HttpClient client, string path, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return text;
    }
}
