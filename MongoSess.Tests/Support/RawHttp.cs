using System.Net.Sockets;
using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>The tests' one raw HTTP client: requests over a plain TCP socket, to see headers exactly as sent and to send what no HTTP client would.</summary>
internal static class RawHttp
{
    public static async Task<string> SendAsync(int port, string method, string path, params string[] headers)
    {
        var request = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }
        request.Append("\r\n");
        var response = await ExchangeAsync(port, Encoding.UTF8.GetBytes(request.ToString()), TimeSpan.FromSeconds(10), untilHead: false);
        return Encoding.UTF8.GetString(response.GetBuffer(), 0, (int)response.Length);
    }

    /// <summary>Sends arbitrary bytes as a request and reads the status code of the answer.</summary>
    /// <returns>
    /// The response's status code, or null when the server closed the connection without an answer (as HttpListener does
    /// with some unparseable requests).
    /// </returns>
    /// <exception cref="TimeoutException">No answer and no close within <paramref name="timeout"/>: the server hangs.</exception>
    public static async Task<int?> StatusOfAsync(int port, byte[] request, TimeSpan timeout) =>
        StatusOf(await ExchangeAsync(port, request, timeout, untilHead: true));

    // one request over a fresh connection; the sending side is closed after the request, so a server waiting for the
    // rest of a broken request sees the end of the stream instead; reads to the end, or only the head when untilHead
    private static async Task<MemoryStream> ExchangeAsync(int port, byte[] request, TimeSpan timeout, bool untilHead)
    {
        using var client = new TcpClient();
        using var limit = new CancellationTokenSource(timeout);
        await client.ConnectAsync("127.0.0.1", port, limit.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, limit.Token);
            client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (IOException)
        {
            // the server answered early (413) and reset the connection while the body was still going out
        }
        var response = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, limit.Token)) > 0)
            {
                response.Write(buffer, 0, n);
                if (untilHead && HasFullHead(response))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalSeconds:0} s ({response.Length} bytes received)");
        }
        catch (IOException)
        {
            // reset after or instead of the answer
        }
        return response;
    }

    private static bool HasFullHead(MemoryStream response) =>
        Encoding.Latin1.GetString(response.GetBuffer(), 0, (int)response.Length).Contains("\r\n\r\n", StringComparison.Ordinal);

    private static int? StatusOf(MemoryStream response)
    {
        // "HTTP/1.1 200 OK"
        string text = Encoding.Latin1.GetString(response.GetBuffer(), 0, (int)Math.Min(response.Length, 32));
        string[] parts = text.Split(' ', 3);
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal) && int.TryParse(parts[1], out int status) ? status : null;
    }

    /// <summary>The values of every header line with this name, in order.</summary>
    public static List<string> HeaderLines(string response, string name)
    {
        var head = response.Split("\r\n\r\n", 2)[0];
        var values = new List<string>();
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                values.Add(line[(name.Length + 1)..].Trim());
            }
        }
        return values;
    }

    /// <summary>The value of one attribute of a <c>Set-Cookie</c> line (<c>Expires</c>, <c>Max-Age</c>), or null without it.</summary>
    public static string? CookieAttribute(string setCookie, string name) =>
        setCookie.Split("; ").FirstOrDefault(part => part.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    /// <summary>The response body, with chunked transfer coding removed.</summary>
    public static string Body(string response)
    {
        var parts = response.Split("\r\n\r\n", 2);
        var body = parts.Length == 2 ? parts[1] : "";
        if (HeaderLines(response, "Transfer-Encoding").All(v => !v.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return body;
        }
        var text = new StringBuilder();
        while (true)
        {
            int lineEnd = body.IndexOf("\r\n", StringComparison.Ordinal);
            int size = Convert.ToInt32(body[..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                return text.ToString();
            }
            // sizes count bytes; the bodies in these tests are ASCII, so characters and bytes agree
            text.Append(body, lineEnd + 2, size);
            body = body[(lineEnd + 2 + size + 2)..];
        }
    }
}
