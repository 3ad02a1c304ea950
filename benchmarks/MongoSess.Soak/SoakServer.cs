using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;

namespace MongoSessions.Soak;

/// <summary>
/// The application under soak: a real HttpListener on loopback whose routes each do one kind of session work with
/// the public MongoSess API. An unreachable store answers 503; anything else unexpected answers 500 and is counted.
/// </summary>
internal sealed class SoakServer : IAsyncDisposable
{
    private const string NoSession = "no session";

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly Task _accepting;

    public SoakServer(int port)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>Server-side failures by exception type: a 503 for MongoSessConnectionException, a 500 for the rest.</summary>
    public ConcurrentDictionary<string, long> Failures { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var request = Task.Run(() => ServeAsync(context));
            _inFlight.TryAdd(request, 0);
            _ = request.ContinueWith(done => _inFlight.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            var session = new MongoSess(context);
            string path = context.Request.Url?.AbsolutePath ?? "/";
            string text = path switch
            {
                "/start" => await StartAsync(session, context.Request.QueryString["client"] ?? "?"),
                "/inc" => await IncrementAsync(session),
                "/read" => await ReadAsync(session),
                "/write" => await WriteAsync(session),
                "/regen" => await session.RegenerateAsync() ? "ok" : "ok (nothing to regenerate)",
                "/end" => await EndAsync(session),
                _ => "",
            };
            await AnswerAsync(context.Response, text.Length == 0 ? 404 : text == NoSession ? 409 : 200, text);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // the client went away
        }
        catch (MongoSessSessionReplacedException)
        {
            // the cookie of a regenerate whose answer was lost: the client holds the replaced token, which opens
            // nothing and may not start a session for a minute; it is told as for a session that is gone
            await AnswerAsync(context.Response, 409, NoSession);
        }
        catch (Exception e)
        {
            Failures.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
            int status = e is MongoSessConnectionException ? 503 : 500;
            try
            {
                await AnswerAsync(context.Response, status, status == 503 ? "store unavailable" : e.GetType().Name);
            }
            catch (Exception)
            {
                context.Response.Abort();
            }
        }
    }

    // the session's owner is the client that started it: any other client reading it would be a leak
    private static async Task<string> StartAsync(MongoSess session, string client)
    {
        await session.SetAsync(new Dictionary<string, object?> { ["owner"] = client, ["n"] = 0L });
        return "ok";
    }

    private static async Task<string> IncrementAsync(MongoSess session)
    {
        string? owner = await session.GetAsync<string>("owner");
        if (owner is null)
        {
            // never count into a session nobody started: it would be a fresh one after a lost cookie
            return NoSession;
        }
        long n = await session.IncrementAsync("n");
        return $"{n.ToString(CultureInfo.InvariantCulture)} {owner}";
    }

    private static async Task<string> ReadAsync(MongoSess session)
    {
        string? owner = await session.GetAsync<string>("owner");
        long n = await session.GetAsync<long>("n");
        return owner is null ? NoSession : $"{n.ToString(CultureInfo.InvariantCulture)} {owner}";
    }

    private static async Task<string> WriteAsync(MongoSess session)
    {
        // a value of a few hundred bytes that changes every time, next to (never over) the counted one
        await session.SetAsync("note", new string((char)('a' + Random.Shared.Next(26)), Random.Shared.Next(50, 800)));
        return "ok";
    }

    private static async Task<string> EndAsync(MongoSess session)
    {
        await session.EndAsync();
        return "ok";
    }

    private static async Task AnswerAsync(HttpListenerResponse response, int status, string text)
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _accepting;
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // a request stuck on a dead connection: closing the listener ends it
        }
        _listener.Close();
        _stopping.Dispose();
    }
}
