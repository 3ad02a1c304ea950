using System.Globalization;
using System.Net;

namespace MongoSessions.Demo;

/// <summary>The demo's four routes; each handler writes and closes its response.</summary>
internal sealed class DemoRoutes(string storeName)
{
    public Task HandleAsync(HttpListenerContext context)
    {
        string path = context.Request.Url?.AbsolutePath ?? "/";
        (string Method, Func<HttpListenerContext, Task> Handler)? route = path switch
        {
            "/" => ("GET", HomeAsync),
            "/views" => ("GET", ViewsAsync),
            "/logout" => ("POST", LogoutAsync),
            "/healthz" => ("GET", HealthAsync),
            _ => null,
        };
        if (route is not { } found)
        {
            return DemoResponse.TextAsync(context.Response, 404, "not found");
        }
        if (context.Request.HttpMethod != found.Method)
        {
            context.Response.Headers["Allow"] = found.Method;
            return DemoResponse.TextAsync(context.Response, 405, $"use {found.Method} for {path}");
        }
        return found.Handler(context);
    }

    private async Task HomeAsync(HttpListenerContext context)
    {
        // reading never creates a session: a first visit sets no cookie
        var session = new MongoSess(context);
        long views = await session.GetAsync<long>("views");
        await DemoResponse.HtmlAsync(context.Response, DemoPage.Render(views, storeName));
    }

    private static async Task ViewsAsync(HttpListenerContext context)
    {
        // one atomic store update: parallel requests on one session never lose a count
        var session = new MongoSess(context);
        long views = await session.IncrementAsync("views");
        await DemoResponse.TextAsync(context.Response, 200, views.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task LogoutAsync(HttpListenerContext context)
    {
        var session = new MongoSess(context);
        await session.EndAsync();
        DemoResponse.SeeOther(context.Response, "/");
    }

    // a load balancer's probe: answers without touching the session or the store
    private static Task HealthAsync(HttpListenerContext context) =>
        DemoResponse.TextAsync(context.Response, 200, "ok");
}
