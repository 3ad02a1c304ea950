using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

// A minimal signed-cookie session on raw HttpListener, the floor that `./build.sh load --stack minimal` compares
// MongoSess with: GET /views verifies an HMAC-SHA256 cookie, increments the session's counter in a
// ConcurrentDictionary, re-issues the cookie and answers the count as text/plain; GET /healthz answers "ok" and
// touches no session. No expiry, no store, no key rotation: only what every cookie session must do on each request.
const string CookieName = "msid";

if (args.Length != 2 || args[0] != "--port" || !int.TryParse(args[1], CultureInfo.InvariantCulture, out int port))
{
    Console.Error.WriteLine("usage: MinimalSession --port N");
    return 2;
}

byte[] key = RandomNumberGenerator.GetBytes(32);
var views = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
byte[] ok = "ok"u8.ToArray();

using var listener = new HttpListener();
listener.Prefixes.Add($"http://127.0.0.1:{port}/");
listener.Start();
Console.WriteLine($"MinimalSession listening on http://127.0.0.1:{port}/");
while (true)
{
    var context = await listener.GetContextAsync();
    _ = Task.Run(() => ServeAsync(context));
}

async Task ServeAsync(HttpListenerContext context)
{
    try
    {
        switch (context.Request.Url?.AbsolutePath)
        {
            case "/healthz":
                await WriteAsync(context.Response, 200, ok);
                break;
            case "/views":
                string id = VerifiedId(context.Request.Headers["Cookie"]) ?? NewId();
                long count = views.AddOrUpdate(id, 1, static (_, n) => n + 1);
                context.Response.Headers.Add("Set-Cookie", $"{CookieName}={id}.{Sign(id)}; Path=/; HttpOnly; SameSite=Lax");
                await WriteAsync(context.Response, 200, Encoding.ASCII.GetBytes(count.ToString(CultureInfo.InvariantCulture)));
                break;
            default:
                await WriteAsync(context.Response, 404, "not found"u8.ToArray());
                break;
        }
    }
    catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
    {
        // the client left
        context.Response.Abort();
    }
}

// the session id from "msid=<id>.<signature>" when the signature is ours, else null
string? VerifiedId(string? header)
{
    foreach (string part in (header ?? "").Split(';', StringSplitOptions.TrimEntries))
    {
        if (!part.StartsWith(CookieName + "=", StringComparison.Ordinal))
        {
            continue;
        }
        string value = part[(CookieName.Length + 1)..];
        int dot = value.IndexOf('.');
        if (dot <= 0)
        {
            return null;
        }
        string id = value[..dot];
        byte[] expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(id));
        Span<byte> actual = stackalloc byte[32];
        bool decoded = Base64Url.TryDecodeFromChars(value.AsSpan(dot + 1), actual, out int written) && written == actual.Length;
        return decoded && CryptographicOperations.FixedTimeEquals(expected, actual) ? id : null;
    }
    return null;
}

string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

string Sign(string id) => Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(id)));

static async Task WriteAsync(HttpListenerResponse response, int status, byte[] body)
{
    // the demo's headers, so both answer the same bytes but for the cookie
    response.StatusCode = status;
    response.ContentType = "text/plain; charset=utf-8";
    response.ContentLength64 = body.Length;
    response.Headers["X-Content-Type-Options"] = "nosniff";
    response.Headers["Cache-Control"] = "no-store";
    await response.OutputStream.WriteAsync(body);
    response.Close();
}
