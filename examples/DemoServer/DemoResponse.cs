using System.Net;
using System.Text;

namespace MongoSessions.Demo;

/// <summary>Writes whole responses: status, headers, body, close.</summary>
internal static class DemoResponse
{
    public const string Text = "text/plain; charset=utf-8";
    public const string Html = "text/html; charset=utf-8";

    public static Task TextAsync(HttpListenerResponse response, int status, string text) => WriteAsync(response, status, Text, text);

    /// <summary>The answer to a HEAD: status 200 and the content type a GET would have, no body.</summary>
    public static Task HeadAsync(HttpListenerResponse response, string contentType)
    {
        response.StatusCode = 200;
        response.ContentType = contentType;
        response.Headers["Cache-Control"] = "no-store";
        response.ContentLength64 = 0;
        response.Close();
        return Task.CompletedTask;
    }

    public static Task HtmlAsync(HttpListenerResponse response, string html)
    {
        // the page allows nothing but its own inline CSS and forms posting back here
        response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        return WriteAsync(response, 200, Html, html);
    }

    public static Task JsonAsync(HttpListenerResponse response, int status, string json) => WriteAsync(response, status, "application/json", json);

    public static void NoContent(HttpListenerResponse response)
    {
        response.StatusCode = 204;
        response.Headers["Cache-Control"] = "no-store";
        response.Close();
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
