using System.Net.Sockets;
using System.Text;

namespace MongoSessions.Tests.Faults;

/// <summary>Sends arbitrary bytes as an HTTP request over a fresh TCP connection and reads the status code of the answer.</summary>
internal static class RawExchange
{
    /// <returns>
    /// The response's status code, or null when the server closed the connection without an answer (as HttpListener does
    /// with some unparseable requests).
    /// </returns>
    /// <exception cref="TimeoutException">No answer and no close within <paramref name="timeout"/>: the server hangs.</exception>
    public static async Task<int?> SendAsync(int port, byte[] request, TimeSpan timeout)
    {
        using var client = new TcpClient();
        using var limit = new CancellationTokenSource(timeout);
        await client.ConnectAsync("127.0.0.1", port, limit.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, limit.Token);
            // end of request: a server waiting for the rest of a broken request sees the end of the stream instead
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
                if (StatusOf(response) is { } early && HasFullHead(response))
                {
                    return early;
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
        return StatusOf(response);
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
}
