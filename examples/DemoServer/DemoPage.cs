using System.Net;

namespace MongoSessions.Demo;

/// <summary>The home page: a self-contained HTML document, no external assets.</summary>
internal static class DemoPage
{
    /// <summary>What the page shows.</summary>
    public sealed record Model(long Views, string StoreName, string? User, string? Message, string CsrfToken, int SessionCount);

    public static string Render(Model model)
    {
        // everything dynamic goes through HtmlEncode, even a number: users copy this page and add strings
        string count = WebUtility.HtmlEncode(model.Views.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string store = WebUtility.HtmlEncode(model.StoreName);
        string noun = model.Views == 1 ? "visit" : "visits";
        string csrf = WebUtility.HtmlEncode(model.CsrfToken);
        string message = model.Message is null ? "" : $"""<p class="flash" id="flash">{WebUtility.HtmlEncode(model.Message)}</p>""";
        string who = model.User is null
            ? $"""
              <form method="post" action="/login" class="login">
                <input type="hidden" name="_csrf" value="{csrf}">
                <label>User <input name="user" maxlength="64" required autocomplete="username"></label>
                <label><input type="checkbox" name="remember"> Remember me</label>
                <button type="submit">Log in</button>
              </form>
              """
            : $"""
              <p id="user">Logged in as <strong>{WebUtility.HtmlEncode(model.User)}</strong>, signed in on <span id="session-count">{model.SessionCount.ToString(System.Globalization.CultureInfo.InvariantCulture)}</span> browser(s).</p>
              <form method="post" action="/logout-others"><input type="hidden" name="_csrf" value="{csrf}"><button type="submit">Log out other sessions</button></form>
              """;
        // log out only when there is someone to log out
        string logout = model.User is null
            ? ""
            : $"""<form method="post" action="/logout"><input type="hidden" name="_csrf" value="{csrf}"><button type="submit">Log out</button></form>""";
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>MongoSess demo</title>
            <style>
              body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
              h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
              .muted { color: #666; font-size: 0.9rem; }
              .count { font-size: 3rem; font-weight: 600; margin: 1.5rem 0 0.5rem; }
              .actions { display: flex; gap: 0.75rem; align-items: center; margin-top: 1.5rem; }
              button { font: inherit; padding: 0.45rem 1rem; border-radius: 6px; border: 1px solid #2b6cb0; cursor: pointer; text-decoration: none; }
              button.primary { background: #2b6cb0; color: #fff; }
              button { background: #fff; color: #2b6cb0; }
              form { margin: 0; }
              .flash { background: #e6fffa; border: 1px solid #38b2ac; border-radius: 6px; padding: 0.5rem 0.75rem; }
              .login { display: flex; gap: 0.5rem; align-items: center; margin-top: 1rem; }
              input { font: inherit; padding: 0.3rem 0.5rem; }
            </style>
            </head>
            <body>
            <h1>MongoSess demo</h1>
            <p class="muted">Sessions in the {{store}}.</p>
            {{message}}
            {{who}}
            <p class="count" id="views">{{count}}</p>
            <p>{{noun}} counted in this session.</p>
            <div class="actions">
              <form method="post" action="/count"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="primary">Count a visit</button></form>
              {{logout}}
            </div>
            </body>
            </html>

            """;
    }
}
