using System.Globalization;
using System.Net;

namespace MongoSessions.Demo;

/// <summary>The demo's routes; each handler writes and closes its response.</summary>
internal sealed class DemoRoutes
{
    public static readonly TimeSpan RememberFor = TimeSpan.FromDays(30);

    private readonly string _storeName;
    private readonly Dictionary<string, (string Method, Func<HttpListenerContext, Task> Handler)[]> _routes = new(StringComparer.Ordinal);

    public DemoRoutes(string storeName)
    {
        _storeName = storeName;
        // built once: a request looks its path up and allocates nothing to route
        _routes["/"] = [("GET", HomeAsync)];
        _routes["/views"] = [("GET", ViewsAsync)];
        _routes["/count"] = [("POST", CountAsync)];
        _routes["/login"] = [("POST", LoginAsync)];
        _routes["/logout"] = [("POST", LogoutAsync)];
        _routes["/logout-others"] = [("POST", LogoutOthersAsync)];
        _routes["/healthz"] = [("GET", HealthAsync)];
        _routes["/api/sessions"] = [("POST", DemoApi.CreateAsync), ("DELETE", DemoApi.EndAsync)];
        _routes["/api/views"] = [("GET", DemoApi.ViewsAsync)];
    }

    public Task HandleAsync(HttpListenerContext context)
    {
        string path = context.Request.Url?.AbsolutePath ?? "/";
        var routes = _routes.GetValueOrDefault(path);
        if (routes is null)
        {
            return DemoResponse.TextAsync(context.Response, 404, "not found");
        }
        string method = context.Request.HttpMethod;
        foreach (var (allowed, handler) in routes)
        {
            if (method == allowed)
            {
                return handler(context);
            }
            if (method == "HEAD" && allowed == "GET")
            {
                // a link checker or a monitor: the headers a GET would get, and no session touched (a HEAD must not
                // take a flash message or count a visit)
                return DemoResponse.HeadAsync(context.Response, path == "/" ? DemoResponse.Html : DemoResponse.Text);
            }
        }
        var methods = routes.SelectMany(r => r.Method == "GET" ? new[] { "GET", "HEAD" } : [r.Method]);
        context.Response.Headers["Allow"] = string.Join(", ", methods);
        return DemoResponse.TextAsync(context.Response, 405, $"use {string.Join(" or ", routes.Select(r => r.Method))} for {path}");
    }

    private async Task HomeAsync(HttpListenerContext context)
    {
        var session = new MongoSess(context);
        // the first read takes the flash message: it shows on this page once, never again
        string? message = await session.GetFlashAsync<string>("message");
        long views = await session.GetAsync<long>("views");
        string? user = await session.GetAsync<string>("user");
        int sessionCount = user is null ? 0 : (await session.ListUserSessionsAsync()).Count;
        // the forms need a CSRF token: a visitor without a session gets it in a signed cookie, and no session starts
        string token = await session.GetTokenAsync();
        await DemoResponse.HtmlAsync(context.Response, DemoPage.Render(new DemoPage.Model(views, _storeName, user, message, token, sessionCount)));
    }

    // every form post carries the session's CSRF token; anything else is answered here and gets null
    private static async Task<(MongoSess Session, System.Collections.Specialized.NameValueCollection Form)?> ReadCheckedFormAsync(HttpListenerContext context)
    {
        var form = await DemoForm.ReadAsync(context);
        if (form is null)
        {
            return null;
        }
        var session = new MongoSess(context);
        if (!await session.VerifyTokenAsync(form["_csrf"]))
        {
            await DemoResponse.TextAsync(context.Response, 403, "invalid or missing CSRF token: reload the page and try again");
            return null;
        }
        return (session, form);
    }

    private static async Task LoginAsync(HttpListenerContext context)
    {
        if (await ReadCheckedFormAsync(context) is not var (session, form))
        {
            return;
        }
        string user = (form["user"] ?? "").Trim();
        if (user.Length is 0 or > 64)
        {
            await DemoResponse.TextAsync(context.Response, 400, "enter a user name of 1 to 64 characters");
            return;
        }
        // OWASP: a new session token (and CSRF token) at every change of privilege, so a planted cookie gains nothing
        await session.RegenerateAsync();
        await session.SetAsync("user", user);
        // tie the session to the user, with what a "where you're signed in" list shows of it
        await session.SetUserAsync(user, new Dictionary<string, string> { ["agent"] = context.Request.UserAgent ?? "unknown" });
        if (form["remember"] == "on")
        {
            // remember me: 30 days without a request, and a cookie that lasts as long
            await session.SetLifetimeAsync(RememberFor);
        }
        await session.FlashAsync("message", $"Welcome, {user}");
        DemoResponse.SeeOther(context.Response, "/");
    }

    // the page's button: count, then back to the page (/views stays the plain-text counter for scripts)
    private static async Task CountAsync(HttpListenerContext context)
    {
        if (await ReadCheckedFormAsync(context) is not var (session, _))
        {
            return;
        }
        await session.IncrementAsync("views");
        DemoResponse.SeeOther(context.Response, "/");
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
        if (await ReadCheckedFormAsync(context) is not var (session, _))
        {
            return;
        }
        await session.EndAsync();
        DemoResponse.SeeOther(context.Response, "/");
    }

    // ends the user's other sessions (other browsers, other devices); this one stays
    private static async Task LogoutOthersAsync(HttpListenerContext context)
    {
        if (await ReadCheckedFormAsync(context) is not var (session, _))
        {
            return;
        }
        await session.EndOtherSessionsAsync();
        DemoResponse.SeeOther(context.Response, "/");
    }

    // a load balancer's probe: answers without touching the session or the store
    private static Task HealthAsync(HttpListenerContext context) =>
        DemoResponse.TextAsync(context.Response, 200, "ok");
}
