using System.Net.Sockets;
using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>Sends a request over a plain TCP socket and returns the raw response, to see headers exactly as sent.</summary>
internal static class RawHttp
{
    public static async Task<string> SendAsync(int port, string method, string path, params string[] headers)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var request = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }
        request.Append("\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadToEndAsync(timeout.Token);
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
