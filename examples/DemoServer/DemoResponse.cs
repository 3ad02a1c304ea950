using System.Net;
using System.Text;

namespace MongoSessions.Demo;

/// <summary>Writes whole responses: status, headers, body, close.</summary>
internal static class DemoResponse
{
    public static Task TextAsync(HttpListenerResponse response, int status, string text) =>
        WriteAsync(response, status, "text/plain; charset=utf-8", text);

    public static Task HtmlAsync(HttpListenerResponse response, string html)
    {
        // the page allows nothing but its own inline CSS and forms posting back here
        response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        return WriteAsync(response, 200, "text/html; charset=utf-8", html);
    }

    public static void SeeOther(HttpListenerResponse response, string location)
    {
        response.StatusCode = 303;
        response.RedirectLocation = location;
        response.ContentLength64 = 0;
        response.Close();
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        // pages carry per-session data: never let a shared cache keep them
        response.Headers["Cache-Control"] = "no-store";
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
