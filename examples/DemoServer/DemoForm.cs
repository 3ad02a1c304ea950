using System.Collections.Specialized;
using System.Net;
using System.Web;

namespace MongoSessions.Demo;

/// <summary>Reads a small urlencoded form body; anything else is refused before it is read in full.</summary>
internal static class DemoForm
{
    // a login form is tiny: refuse anything larger than this instead of buffering it
    private const int MaxBytes = 16 * 1024;

    /// <returns>The fields, or null when the body is too large or not a form (the response says why).</returns>
    public static async Task<NameValueCollection?> ReadAsync(HttpListenerContext context)
    {
        var request = context.Request;
        if (request.ContentLength64 > MaxBytes)
        {
            await DemoResponse.TextAsync(context.Response, 413, "form too large");
            return null;
        }
        if (request.HasEntityBody && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            await DemoResponse.TextAsync(context.Response, 415, "send an application/x-www-form-urlencoded form");
            return null;
        }
        var buffer = new byte[MaxBytes + 1];
        int read = 0;
        while (request.HasEntityBody && read < buffer.Length)
        {
            int n = await request.InputStream.ReadAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        if (read > MaxBytes)
        {
            await DemoResponse.TextAsync(context.Response, 413, "form too large");
            return null;
        }
        return HttpUtility.ParseQueryString(System.Text.Encoding.UTF8.GetString(buffer, 0, read));
    }
}
