using System.Globalization;
using System.Net;

namespace MongoSessions.Demo;

/// <summary>
/// The JSON API: the same sessions, carried in an <c>Authorization: Bearer</c> header instead of a cookie, for clients
/// that are not browsers. No route here ever sets a cookie.
/// </summary>
internal static class DemoApi
{
    // POST /api/sessions: a new session, its signed token in the body
    public static async Task CreateAsync(HttpListenerContext context)
    {
        var session = MongoSess.FromBearerToken(context.Request);
        await session.SetAsync("client", "api");
        await DemoResponse.JsonAsync(context.Response, 201, $$"""{"token":"{{session.IssuedToken}}"}""");
    }

    // GET /api/views: that session's counter, 1, 2, 3...
    public static async Task ViewsAsync(HttpListenerContext context)
    {
        var session = MongoSess.FromBearerToken(context.Request);
        if (!await session.ExistsAsync())
        {
            await UnauthorizedAsync(context.Response);
            return;
        }
        long views = await session.IncrementAsync("views");
        await DemoResponse.TextAsync(context.Response, 200, views.ToString(CultureInfo.InvariantCulture));
    }

    // DELETE /api/sessions: ends the session; its token opens nothing afterwards
    public static async Task EndAsync(HttpListenerContext context)
    {
        var session = MongoSess.FromBearerToken(context.Request);
        if (!await session.ExistsAsync())
        {
            await UnauthorizedAsync(context.Response);
            return;
        }
        await session.EndAsync();
        DemoResponse.NoContent(context.Response);
    }

    // a missing, tampered, expired or ended token (RFC 6750)
    private static Task UnauthorizedAsync(HttpListenerResponse response)
    {
        response.Headers["WWW-Authenticate"] = "Bearer";
        return DemoResponse.TextAsync(response, 401, "a valid bearer token is needed: POST /api/sessions gives one");
    }
}
