using System.Net;

namespace MongoSessions.Demo;

/// <summary>The home page: a self-contained HTML document, no external assets.</summary>
internal static class DemoPage
{
    public static string Render(long views, string storeName)
    {
        // everything dynamic goes through HtmlEncode, even a number: users copy this page and add strings
        string count = WebUtility.HtmlEncode(views.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string store = WebUtility.HtmlEncode(storeName);
        string noun = views == 1 ? "visit" : "visits";
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
              a.button, button { font: inherit; padding: 0.45rem 1rem; border-radius: 6px; border: 1px solid #2b6cb0; cursor: pointer; text-decoration: none; }
              a.button { background: #2b6cb0; color: #fff; }
              button { background: #fff; color: #2b6cb0; }
              form { margin: 0; }
            </style>
            </head>
            <body>
            <h1>MongoSess demo</h1>
            <p class="muted">Sessions in the {{store}}.</p>
            <p class="count" id="views">{{count}}</p>
            <p>{{noun}} counted in this session.</p>
            <div class="actions">
              <a class="button" href="/views">Count a visit</a>
              <form method="post" action="/logout"><button type="submit">Log out</button></form>
            </div>
            </body>
            </html>

            """;
    }
}
