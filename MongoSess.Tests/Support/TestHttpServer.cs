using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>
/// A real HttpListener on a free loopback port that runs a test's handler for every request. An exception from
/// the handler becomes a 500 whose body names it, and is kept in <see cref="Errors"/>.
/// </summary>
internal sealed class TestHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handler;
    private readonly Task _loop;
    private readonly ConcurrentBag<Task> _requests = [];

    private TestHttpServer(Func<HttpListenerContext, Task> handler)
    {
        _handler = handler;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    public ConcurrentQueue<Exception> Errors { get; } = new();

    public static TestHttpServer Start(Func<HttpListenerContext, Task> handler) => new(handler);

    /// <summary>A server whose handler answers with the text the function returns.</summary>
    public static TestHttpServer Start(Func<MongoSess, HttpListenerContext, Task<string>> handler) => new(async ctx =>
    {
        var session = new MongoSess(ctx.Request, ctx.Response);
        var text = await handler(session, ctx);
        var body = Encoding.UTF8.GetBytes(text);
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.OutputStream.WriteAsync(body);
    });

    /// <summary>An HttpClient that keeps cookies, like a browser.</summary>
    public HttpClient CreateBrowser(CookieContainer? jar = null) =>
        new(new HttpClientHandler { CookieContainer = jar ?? new CookieContainer(), UseCookies = true }) { BaseAddress = BaseUri };

    /// <summary>An HttpClient that sends only the headers a test adds.</summary>
    public HttpClient CreateRawClient() => new(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseUri };

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _requests.Add(Task.Run(() => HandleAsync(ctx)));
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        try
        {
            await _handler(ctx);
        }
        catch (Exception e)
        {
            Errors.Enqueue(e);
            try
            {
                ctx.Response.StatusCode = 500;
                var body = Encoding.UTF8.GetBytes(e.GetType().Name + ": " + e.Message);
                await ctx.Response.OutputStream.WriteAsync(body);
            }
            catch (Exception)
            {
                // the response may already be gone; the error is recorded above
            }
        }
        finally
        {
            try
            {
                ctx.Response.Close();
            }
            catch (Exception)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
        await Task.WhenAll(_requests);
    }
}
