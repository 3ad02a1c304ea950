using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using MongoSessions.Cookies;

namespace MongoSessions.Benchmarks;

/// <summary>
/// What the server pays per request: a real <see cref="HttpListener"/> on a free loopback port, answering one
/// keep-alive client (a raw socket, one request at a time) the way the demo does. <c>/healthz</c> writes a small text
/// response; <c>/views</c> does the same after the demo's <c>/views</c> session work (<c>new MongoSess(ctx)</c>,
/// <c>IncrementAsync("views")</c> on <see cref="MemorySessionStore"/>, which verifies the cookie and sends none back:
/// the browser holds it, and its lifetime moves only once per <c>TouchAfter</c>). So <c>views - healthz</c> is MongoSess's
/// cost per request as the server sees it: its own code plus the extra header HttpListener formats and sends
/// (<c>Vary</c>), the larger response on the socket and the garbage it all leaves. <c>/views</c> without a cookie starts a
/// session on every request (a first visit: create, sign, <c>Set-Cookie</c>, <c>Cache-Control</c>). Each operation is one request; an invocation sends <see cref="Batch"/> of them over
/// <see cref="Connections"/> keep-alive connections at once (each its own session), so the two cores stay busy and the
/// time per request is the CPU it costs (server and client; the client's share is the same for both routes) rather
/// than the latency of waking threads. The allocation column counts the whole process (server and client).
/// </summary>
[MemoryDiagnoser]
public class ServedRequestBenchmarks
{
    private HttpListener? _listener;
    private Task? _serving;
    private CancellationTokenSource? _stop;
    private const int Connections = 8;
    private const int PerConnection = 16;
    private const int Batch = Connections * PerConnection;

    // a Set-Cookie line as long as the session's, for the routes that send MongoSess's headers without its work
    private static string s_setCookie = "";

    private KeepAliveClient[] _healthz = [];
    private KeepAliveClient[] _views = [];
    private KeepAliveClient[] _newSessions = [];
    private KeepAliveClient[] _headers = [];
    private KeepAliveClient[] _headersInstalled = [];

    [GlobalSetup]
    public void Setup()
    {
        var keys = new Keyring(Keyring.GenerateSecret());
        MongoSess.ConnectAsync(new MemorySessionStore(), new MongoSessOptions { Cookie = new SessionCookieOptions { Keys = keys } }).GetAwaiter().GetResult();
        int port = FreePort();
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _stop = new CancellationTokenSource();
        _serving = ServeAsync(_listener, _stop.Token);
        _healthz = [.. Enumerable.Range(0, Connections).Select(_ => new KeepAliveClient(port, "/healthz"))];
        _views = [.. Enumerable.Range(0, Connections).Select(_ => new KeepAliveClient(port, "/views"))];
        _newSessions = [.. Enumerable.Range(0, Connections).Select(_ => new KeepAliveClient(port, "/views", keepCookie: false))];
        _headers = [.. Enumerable.Range(0, Connections).Select(_ => new KeepAliveClient(port, "/headers"))];
        _headersInstalled = [.. Enumerable.Range(0, Connections).Select(_ => new KeepAliveClient(port, "/headers-installed"))];
        s_setCookie = SetCookieWriter.BuildSigned(MongoSess.DefaultClient!.Cookie, SessionToken.New(), keys, TimeSpan.FromDays(14), DateTimeOffset.UtcNow, secure: false);
        foreach (var client in _views)
        {
            // the first /views creates the session; every later one carries its cookie, as a browser's would
            client.SendAsync().AsTask().GetAwaiter().GetResult();
            if (client.Cookie is null)
            {
                throw new InvalidOperationException("the first /views set no session cookie");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop?.Cancel();
        foreach (var client in _healthz.Concat(_views).Concat(_newSessions).Concat(_headers).Concat(_headersInstalled))
        {
            client.Dispose();
        }
        _listener?.Close();
        try
        {
            _serving?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the accept loop ends with the listener
        }
        MongoSess.CloseAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "served: GET /healthz (no session), per request, 8 keep-alive connections")]
    public Task Healthz() => RunAsync(_healthz);

    [Benchmark(OperationsPerInvoke = Batch, Description = "served: GET /views (verify, increment; the browser holds the cookie, none sent), per request, 8 keep-alive connections")]
    public Task Views() => RunAsync(_views);

    [Benchmark(OperationsPerInvoke = Batch, Description = "served: GET /views without a cookie (a session started each time: create, sign, Set-Cookie)")]
    public Task ViewsNewSession() => RunAsync(_newSessions);

    [Benchmark(OperationsPerInvoke = Batch, Description = "served: GET /healthz + MongoSess's headers (Vary, Set-Cookie), no session work")]
    public Task HealthzWithSessionHeaders() => RunAsync(_headers);

    [Benchmark(OperationsPerInvoke = Batch, Description = "served: the same + MongoSess's header collection swap (SessionResponseHeaders.Install)")]
    public Task HealthzWithSessionHeadersInstalled() => RunAsync(_headersInstalled);

    private static Task RunAsync(KeepAliveClient[] clients)
    {
        var running = new Task[clients.Length];
        for (int i = 0; i < clients.Length; i++)
        {
            running[i] = clients[i].SendManyAsync(PerConnection);
        }
        return Task.WhenAll(running);
    }

    private static async Task ServeAsync(HttpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            // the demo's host: each request on its own task
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    // the demo's two routes, with the demo's response headers
    private static async Task HandleAsync(HttpListenerContext context)
    {
        string text = "ok";
        string path = context.Request.Url?.AbsolutePath ?? "/";
        if (path.StartsWith("/headers", StringComparison.Ordinal))
        {
            // what RequestCookies adds to a response, without reading the cookie or touching the store
            context.Response.AddHeader("Vary", "Cookie");
            context.Response.AppendHeader("Set-Cookie", s_setCookie);
            context.Response.AddHeader("Cache-Control", "no-store");
            if (path == "/headers-installed")
            {
                SessionResponseHeaders.Install(context.Response)?.Keep(s_setCookie, null);
            }
        }
        else if (path == "/views")
        {
            var session = new MongoSess(context);
            text = (await session.IncrementAsync("views").ConfigureAwait(false)).ToString(CultureInfo.InvariantCulture);
        }
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Cache-Control"] = "no-store";
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// One keep-alive connection that sends GET requests one at a time and keeps the session cookie the server sets
    /// (unless <c>keepCookie</c> is false: then every request comes without one, as a first visit does);
    /// reconnects when the server closes (HttpListener does every 100 requests, for both routes alike).
    /// </summary>
    private sealed class KeepAliveClient(int port, string path, bool keepCookie = true) : IDisposable
    {
        private readonly byte[] _buffer = new byte[8192];
        private Socket? _socket;
        private byte[]? _request;

        public string? Cookie { get; private set; }

        public async Task SendManyAsync(int count)
        {
            for (int i = 0; i < count; i++)
            {
                await SendAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Sends the request and reads the whole response; returns the body as a number, or -1.</summary>
        public async ValueTask<long> SendAsync()
        {
            var socket = _socket ??= Connect();
            _request ??= Encoding.ASCII.GetBytes(
                $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n" + (Cookie is null ? "" : $"Cookie: {Cookie}\r\n") + "\r\n");
            await socket.SendAsync(_request, SocketFlags.None).ConfigureAwait(false);
            int filled = 0;
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                filled += await ReceiveAsync(socket, filled).ConfigureAwait(false);
            }
            var head = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
            if (!head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{path} answered: {head}");
            }
            int length = 0;
            bool close = false;
            foreach (var line in head.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line.AsSpan(15).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Connection: close", StringComparison.OrdinalIgnoreCase))
                {
                    close = true;
                }
                else if (keepCookie && Cookie is null && line.StartsWith("Set-Cookie: ", StringComparison.OrdinalIgnoreCase))
                {
                    Cookie = line[12..line.IndexOf(';', StringComparison.Ordinal)];
                    _request = null;
                }
            }
            while (filled < headerEnd + 4 + length)
            {
                filled += await ReceiveAsync(socket, filled).ConfigureAwait(false);
            }
            long number = Utf8Parser.TryParse(_buffer.AsSpan(headerEnd + 4, length), out long value, out int consumed) && consumed == length ? value : -1;
            if (close)
            {
                Dispose();
            }
            return number;
        }

        public void Dispose()
        {
            _socket?.Dispose();
            _socket = null;
        }

        private Socket Connect()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return socket;
        }

        private async ValueTask<int> ReceiveAsync(Socket socket, int filled)
        {
            int n = await socket.ReceiveAsync(_buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
            return n > 0 ? n : throw new IOException("the server closed the connection");
        }
    }
}
