using System.Net;
using System.Net.Sockets;

namespace MongoSessions.Benchmarks;

/// <summary>
/// One real HttpListener request, held open: the benchmarks run the per-request path many times over the same
/// request and response objects, so no HTTP traffic is measured, only MongoSess's own work.
/// </summary>
internal sealed class HeldExchange : IDisposable
{
    private readonly HttpListener _listener;
    private readonly HttpClient _client;
    private readonly Task<HttpResponseMessage> _pending;

    private HeldExchange(HttpListener listener, HttpClient client, Task<HttpResponseMessage> pending, HttpListenerContext context)
    {
        _listener = listener;
        _client = client;
        _pending = pending;
        Context = context;
    }

    public HttpListenerContext Context { get; }

    public static HeldExchange Start(string cookieHeader)
    {
        int port = FreePort();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var client = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/views");
        request.Headers.Add("Cookie", cookieHeader);
        var pending = client.SendAsync(request);
        var context = listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return new HeldExchange(listener, client, pending, context);
    }

    public void Dispose()
    {
        Context.Response.Close();
        try
        {
            _pending.WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult().Dispose();
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            // the answer to a benchmark's held request does not matter
        }
        _client.Dispose();
        _listener.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
