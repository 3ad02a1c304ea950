using System.Net;

using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Demo;

[TestFixture]
public sealed class DemoRoutesTests
{
    private string _sessionsDirectory = null!;
    private DemoProcess _demo = null!;

    [OneTimeSetUp]
    public async Task StartDemo()
    {
        _sessionsDirectory = Directory.CreateTempSubdirectory("mongosess-demo-").FullName;
        _demo = await DemoProcess.StartAsync("--port", $"{Support.FreePort.Next()}", "--sessions-dir", _sessionsDirectory);
    }

    [OneTimeTearDown]
    public void StopDemo()
    {
        _demo?.Dispose();
        Directory.Delete(_sessionsDirectory, recursive: true);
        File.Delete(_sessionsDirectory + ".secret");
    }

    [Test]
    public async Task Healthz_answers_ok_and_sets_no_cookie()
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);

        using var response = await client.GetAsync("/healthz");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("ok"));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
        Assert.That(cookies.Count, Is.Zero);
    }

    [Test]
    public async Task Visitors_and_bots_who_only_look_at_the_home_page_leave_no_stored_session()
    {
        // a demo and a folder of its own: the shared demo's file store writes the other tests' sessions into files at
        // its next checkpoint, which can fall while this test counts
        string directory = Directory.CreateTempSubdirectory("mongosess-demo-").FullName;
        try
        {
            using var demo = await DemoProcess.StartAsync("--port", $"{Support.FreePort.Next()}", "--sessions-dir", directory);
            for (int i = 0; i < 50; i++)
            {
                // a fresh client each time: a bot that keeps no cookies
                using var bot = demo.CreateClient();
                var page = await bot.GetStringAsync("/");
                Assert.That(page, Does.Contain("name=\"_csrf\""), "the page still carries the login form's token");
            }
            // one visitor who counts a view: proof that the count below sees a stored session
            using var visitor = demo.CreateClient();
            Assert.That(await visitor.GetStringAsync("/views"), Is.EqualTo("1"));

            // a clean stop checkpoints everything the store holds into one file per session
            await demo.TerminateAsync();
            Assert.That(await demo.WaitForExitAsync(), Is.Zero, demo.Output);
            Assert.That(Directory.EnumerateFiles(directory, "*.session").Count(), Is.EqualTo(1), "the visitor's session, and none for the 50 bots");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            File.Delete(directory + ".secret");
        }
    }

    [Test]
    public async Task A_login_from_a_page_seen_without_a_session_passes_the_csrf_check()
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);
        var page = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"_csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "ann", ["_csrf"] = token }));
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), "not 403: the token from the sessionless page is accepted");
        Assert.That(await client.GetStringAsync("/"), Does.Contain("Welcome, ann"));
    }

    [Test]
    public async Task Views_counts_per_client()
    {
        using var ann = _demo.CreateClient();
        using var bob = _demo.CreateClient();

        Assert.That(await ann.GetStringAsync("/views"), Is.EqualTo("1"));
        Assert.That(await ann.GetStringAsync("/views"), Is.EqualTo("2"));
        Assert.That(await ann.GetStringAsync("/views"), Is.EqualTo("3"));
        Assert.That(await bob.GetStringAsync("/views"), Is.EqualTo("1"));
    }

    [Test]
    public async Task Views_answers_plain_text_and_sets_the_session_cookie()
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);

        using var response = await client.GetAsync("/views");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/plain; charset=utf-8"));
        Assert.That(cookies.GetCookies(_demo.Url)["sess"], Is.Not.Null);
    }

    [Test]
    public async Task Concurrent_views_on_one_session_lose_nothing()
    {
        using var client = _demo.CreateClient();
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));

        string[] answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetStringAsync("/views")));

        Assert.That(answers.Select(long.Parse), Is.EquivalentTo(Enumerable.Range(2, 20).Select(n => (long)n)));
    }

    [Test]
    public async Task Home_shows_the_count_without_counting()
    {
        using var client = _demo.CreateClient();
        await client.GetStringAsync("/views");
        await client.GetStringAsync("/views");

        using var response = await client.GetAsync("/");
        string html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(html, Does.Contain("<p class=\"count\" id=\"views\">2</p>"));
        Assert.That(html, Does.Not.Contain("action=\"/logout\""), "nobody to log out");
        Assert.That(html, Does.Contain("action=\"/count\""));
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("3"));
    }

    [Test]
    public async Task Home_on_a_first_visit_shows_zero_and_a_login_form_with_a_csrf_token()
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);

        string html = await client.GetStringAsync("/");

        Assert.That(html, Does.Contain("<p class=\"count\" id=\"views\">0</p>"));
        Assert.That(html, Does.Contain("action=\"/login\""));
        Assert.That(CsrfToken(html), Does.Match("^[A-Za-z0-9_-]{64}$"));
        // the token rides in a signed CSRF cookie: the page that shows it starts no session
        Assert.That(cookies.GetAllCookies().Select(c => c.Name), Is.EqualTo(new[] { "sess.csrf" }));
    }

    private static string CsrfToken(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "name=\"_csrf\" value=\"([^\"]+)\"").Groups[1].Value;

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    [Test]
    public async Task Login_regenerates_the_session_stores_the_user_and_flashes_a_welcome_once()
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);
        await client.GetStringAsync("/views");
        string token = CsrfToken(await client.GetStringAsync("/"));
        string before = cookies.GetCookies(_demo.Url)["sess"]!.Value;

        using var login = await client.PostAsync("/login", Form(("user", "ann <admin>"), ("_csrf", token)));

        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(cookies.GetCookies(_demo.Url)["sess"]!.Value[..64], Is.Not.EqualTo(before[..64]), "a new session token after login");
        string page = await client.GetStringAsync("/");
        Assert.That(page, Does.Contain("Welcome, ann &lt;admin&gt;"), "flashed, and HTML-encoded");
        Assert.That(page, Does.Contain("Logged in as <strong>ann &lt;admin&gt;</strong>"));
        Assert.That(page, Does.Contain("action=\"/logout\""), "log out shows once logged in");
        Assert.That(page, Does.Contain("<p class=\"count\" id=\"views\">1</p>"), "the data moved to the new id");
        Assert.That(CsrfToken(page), Is.Not.EqualTo(token), "a new CSRF token with the new session");
        Assert.That(await client.GetStringAsync("/"), Does.Not.Contain("Welcome,"), "the flash shows once");
    }

    [Test]
    public async Task A_logged_in_page_counts_the_users_sessions_and_logs_the_others_out()
    {
        var user = "ann-" + Guid.NewGuid().ToString("N")[..8];
        async Task<HttpClient> LoginAsync()
        {
            var client = _demo.CreateClient(new CookieContainer());
            string token = CsrfToken(await client.GetStringAsync("/"));
            using var login = await client.PostAsync("/login", Form(("user", user), ("_csrf", token)));
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
            return client;
        }
        static string Count(string html) => System.Text.RegularExpressions.Regex.Match(html, "<span id=\"session-count\">(\\d+)</span>").Groups[1].Value;

        using var laptop = await LoginAsync();
        using var phone = await LoginAsync();
        string page = await laptop.GetStringAsync("/");
        Assert.That(Count(page), Is.EqualTo("2"));
        Assert.That(page, Does.Contain("action=\"/logout-others\""));

        using var others = await laptop.PostAsync("/logout-others", Form(("_csrf", CsrfToken(page))));
        Assert.That(others.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(others.Headers.Location?.OriginalString, Is.EqualTo("/"));
        Assert.That(Count(await laptop.GetStringAsync("/")), Is.EqualTo("1"));
        Assert.That(await phone.GetStringAsync("/"), Does.Not.Contain("Logged in as"), "the other browser is logged out");
        using var forged = await laptop.PostAsync("/logout-others", Form(("_csrf", "forged")));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task The_json_api_carries_a_session_in_a_bearer_token()
    {
        using var client = _demo.CreateClient();
        using var created = await client.PostAsync("/api/sessions", content: null);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(created.Headers.Contains("Set-Cookie"), Is.False);
        var token = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer)
        {
            var request = new HttpRequestMessage(method, path);
            if (bearer is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            }
            return await client.SendAsync(request);
        }

        for (int i = 1; i <= 3; i++)
        {
            using var views = await SendAsync(HttpMethod.Get, "/api/views", token);
            Assert.That(views.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(views.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(await views.Content.ReadAsStringAsync(), Is.EqualTo(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(views.Headers.Contains("Set-Cookie"), Is.False);
        }
        foreach (var bad in new[] { null, "A" + token[1..], token + "x" })
        {
            using var refused = await SendAsync(HttpMethod.Get, "/api/views", bad);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), bad ?? "no token");
            Assert.That(refused.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        }
        using var ended = await SendAsync(HttpMethod.Delete, "/api/sessions", token);
        Assert.That(ended.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var after = await SendAsync(HttpMethod.Get, "/api/views", token);
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "an ended token");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Login_gives_a_browser_session_cookie_unless_remember_is_ticked(bool remember)
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);
        string token = CsrfToken(await client.GetStringAsync("/"));
        var fields = remember ? Form(("user", "ann"), ("_csrf", token), ("remember", "on")) : Form(("user", "ann"), ("_csrf", token));

        using var login = await client.PostAsync("/login", fields);

        var line = login.Headers.GetValues("Set-Cookie").Single(l => l.StartsWith("sess=", StringComparison.Ordinal));
        if (remember)
        {
            Assert.That(line, Does.Contain("Max-Age=2592000").And.Contain("Expires="), "30 days");
        }
        else
        {
            Assert.That(line, Does.Not.Contain("Max-Age").And.Not.Contain("Expires"), "ends with the browser");
        }
        Assert.That(await client.GetStringAsync("/"), Does.Contain("Logged in as <strong>ann</strong>"));
    }

    [Test]
    public async Task A_request_sent_with_the_cookie_a_login_replaced_gets_409_and_the_login_stays()
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);
        await client.GetStringAsync("/views");
        string token = CsrfToken(await client.GetStringAsync("/"));
        string before = cookies.GetCookies(_demo.Url)["sess"]!.Value;
        using var login = await client.PostAsync("/login", Form(("user", "ann"), ("_csrf", token)));
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));

        // another tab's request, sent before the login's answer arrived
        var staleJar = new CookieContainer();
        staleJar.Add(_demo.Url, new Cookie("sess", before));
        using var otherTab = _demo.CreateClient(staleJar);
        using var answer = await otherTab.GetAsync("/views");

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(answer.Headers.Contains("Set-Cookie"), Is.False, "nothing overwrites the login's cookie");
        Assert.That(await client.GetStringAsync("/"), Does.Contain("Logged in as <strong>ann</strong>"));
    }

    [TestCase(null)]
    [TestCase("forged-token")]
    public async Task Login_without_the_sessions_token_is_forbidden(string? token)
    {
        using var client = _demo.CreateClient();
        await client.GetStringAsync("/");
        var fields = token is null ? Form(("user", "ann")) : Form(("user", "ann"), ("_csrf", token));

        using var response = await client.PostAsync("/login", fields);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await client.GetStringAsync("/"), Does.Not.Contain("Logged in as"));
    }

    [Test]
    public async Task Another_sessions_token_does_not_log_in()
    {
        using var attacker = _demo.CreateClient();
        string attackersToken = CsrfToken(await attacker.GetStringAsync("/"));
        using var victim = _demo.CreateClient();
        await victim.GetStringAsync("/");

        using var response = await victim.PostAsync("/login", Form(("user", "mallory"), ("_csrf", attackersToken)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task An_oversized_form_is_refused()
    {
        using var client = _demo.CreateClient();
        using var response = await client.PostAsync("/login", Form(("user", new string('a', 40_000))));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Logout_ends_the_session_and_redirects_home()
    {
        using var client = _demo.CreateClient();
        await client.GetStringAsync("/views");
        await client.GetStringAsync("/views");
        string token = CsrfToken(await client.GetStringAsync("/"));

        using var response = await client.PostAsync("/logout", Form(("_csrf", token)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo("/"));
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"));
    }

    [Test]
    public async Task Logout_without_the_token_is_forbidden_and_keeps_the_session()
    {
        using var client = _demo.CreateClient();
        await client.GetStringAsync("/views");

        using var response = await client.PostAsync("/logout", content: null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("2"));
    }

    [Test]
    public async Task Unknown_path_is_404()
    {
        using var client = _demo.CreateClient();

        using var response = await client.GetAsync("/nope");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("GET", "/logout", "POST")]
    [TestCase("GET", "/count", "POST")]
    [TestCase("POST", "/views", "GET,HEAD")]
    [TestCase("DELETE", "/", "GET,HEAD")]
    public async Task Wrong_method_is_405_with_Allow(string method, string path, string allowed)
    {
        using var client = _demo.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(response.Content.Headers.Allow, Is.EqualTo(allowed.Split(',')));
    }

    [Test]
    public async Task Head_answers_like_get_without_touching_the_session()
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);

        using var home = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        using var views = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/views"));

        Assert.That(home.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(home.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(views.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(cookies.Count, Is.Zero, "no cookie: nothing was started");
        Assert.That(await client.GetStringAsync("/views"), Is.EqualTo("1"), "a HEAD does not count a visit");
    }

    [Test]
    public async Task The_pages_count_button_counts_and_returns_to_the_page()
    {
        var cookies = new CookieContainer();
        using var client = _demo.CreateClient(cookies);
        string token = CsrfToken(await client.GetStringAsync("/"));

        using var count = await client.PostAsync("/count", Form(("_csrf", token)));
        using var again = await client.PostAsync("/count", Form(("_csrf", token)));
        using var forged = await client.PostAsync("/count", Form(("_csrf", "forged")));

        Assert.That(count.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(count.Headers.Location?.OriginalString, Is.EqualTo("/"));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await client.GetStringAsync("/"), Does.Contain("<p class=\"count\" id=\"views\">2</p>"), "the sessionless token's first count started the session");
    }

    [TestCase("localhost")]
    [TestCase("127.0.0.1")]
    public async Task Answers_on_both_loopback_names(string host)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://{host}:{_demo.Port}/") };

        Assert.That(await client.GetStringAsync("/healthz"), Is.EqualTo("ok"));
    }
}
