using System.Net;

using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class LazySessionTests : SessionTestBase
{
    [Test]
    public async Task A_request_that_never_touches_the_session_costs_nothing()
    {
        Serve((session, ctx) => Task.FromResult("hello"));
        using var client = Server!.CreateRawClient();
        using var response = await client.GetAsync("/");
        Assert.That(SessionCookieValue(response), Is.Null);
        Assert.That(Store.TotalCalls, Is.Zero);
    }

    [Test]
    public async Task Reading_without_a_session_creates_nothing_and_calls_no_store()
    {
        Serve(async (session, ctx) => $"{await session.GetAsync<string>("user") ?? "none"} {(await session.GetAsync()).Count} {session.Id ?? "no-id"}");
        using var client = Server!.CreateRawClient();
        using var response = await client.GetAsync("/");
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("none 0 no-id"));
        Assert.That(SessionCookieValue(response), Is.Null);
        Assert.That(Store.TotalCalls, Is.Zero);
        Assert.That(await Store.CountAsync(Clock.GetUtcNow(), default), Is.Zero);
    }

    [Test]
    public async Task Deleting_without_a_session_creates_nothing()
    {
        Serve(async (session, ctx) =>
        {
            await session.DelAsync(["a", "b"]);
            await session.ExpireAsync();
            return session.Id ?? "no-id";
        });
        using var client = Server!.CreateRawClient();
        using var response = await client.GetAsync("/");
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("no-id"));
        Assert.That(SessionCookieValue(response), Is.Null);
        Assert.That(Store.TotalCalls, Is.Zero);
    }

    [Test]
    public async Task The_first_write_creates_the_session_with_a_signed_cookie()
    {
        Serve(async (session, ctx) =>
        {
            await session.SetAsync("user", "ann");
            return $"{session.Id}|{session.IsNew}";
        });
        using var client = Server!.CreateRawClient();
        using var response = await client.GetAsync("/");
        var parts = (await response.Content.ReadAsStringAsync()).Split('|');
        var cookie = SessionCookieValue(response);
        Assert.Multiple(() =>
        {
            Assert.That(parts[0], Has.Length.EqualTo(20).And.Match("^[A-Za-z0-9_-]{20}$"));
            Assert.That(parts[1], Is.EqualTo("True"));
            Assert.That(cookie, Does.StartWith(parts[0]).And.Length.EqualTo(108));
            Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(1), "one round trip");
        });
    }

    [Test]
    public async Task Values_persist_across_requests_and_reads_load_once()
    {
        Serve(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/set")
            {
                await session.SetAsync("user", "ann");
                return "set";
            }
            var first = await session.GetAsync<string>("user");
            var again = await session.GetAsync<string>("user");
            var all = await session.GetAsync();
            return $"{first} {again} {all.Count} {session.IsNew}";
        });
        using var browser = Server!.CreateBrowser();
        await GetTextAsync(browser, "/set");
        Store.Reset();
        Assert.That(await GetTextAsync(browser, "/get"), Is.EqualTo("ann ann 1 False"));
        Assert.That(Store.Calls(nameof(ISessionStore.LoadAsync)), Is.EqualTo(1));
        Assert.That(Store.TotalCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task A_read_after_a_write_sees_the_write_without_another_load()
    {
        Serve(async (session, ctx) =>
        {
            await session.SetAsync("a", 1);
            await session.SetAsync("b", 2);
            return $"{await session.GetAsync<int>("a")} {await session.GetAsync<int>("b")}";
        });
        using var browser = Server!.CreateBrowser();
        Assert.That(await GetTextAsync(browser, "/"), Is.EqualTo("1 2"));
        Assert.That(Store.Calls(nameof(ISessionStore.LoadAsync)), Is.Zero);
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(2));
    }

    [Test]
    public async Task Reads_after_an_increment_show_the_stores_value_including_other_requests_increments()
    {
        Serve(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/start")
            {
                await session.SetAsync(new { views = 1, name = "ann" });
                return "started";
            }
            var before = await session.GetAsync<long>("views");
            // another request increments between this request's read and its write
            var stored = await Store.Inner.LoadAsync(session.Id!, Clock.GetUtcNow(), default);
            var other = new SessionUpdate(session.Id!, stored!.TokenHash!, [SessionOperation.Increment("views", 10)], Clock.GetUtcNow(), Clock.GetUtcNow().AddDays(1), createIfMissing: false);
            await Store.Inner.UpdateAsync(other, default);
            var after = await session.IncrementAsync("views");
            await session.SetAsync("name", "bob");
            return $"{before} {after} {await session.GetAsync<long>("views")} {await session.GetAsync<string>("name")}";
        });
        using var browser = Server!.CreateBrowser();
        await GetTextAsync(browser, "/start");
        Store.Reset();
        Assert.That(await GetTextAsync(browser, "/"), Is.EqualTo("1 12 12 bob"));
        Assert.That(Store.Calls(nameof(ISessionStore.LoadAsync)), Is.EqualTo(1), "the reads after the writes used the copy");
    }

    [Test]
    public async Task Increments_count_per_browser()
    {
        Serve(async (session, ctx) => (await session.IncrementAsync("views")).ToString());
        using var first = Server!.CreateBrowser();
        using var second = Server.CreateBrowser();
        Assert.That(await GetTextAsync(first, "/"), Is.EqualTo("1"));
        Assert.That(await GetTextAsync(first, "/"), Is.EqualTo("2"));
        Assert.That(await GetTextAsync(second, "/"), Is.EqualTo("1"));
        Assert.That(await GetTextAsync(first, "/"), Is.EqualTo("3"));
    }

    [Test]
    public async Task Creating_a_session_after_the_body_started_is_a_clear_error_that_stores_nothing()
    {
        Server = Support.TestHttpServer.Start(async ctx =>
        {
            var session = new MongoSess(ctx);
            await ctx.Response.OutputStream.WriteAsync("partial body "u8.ToArray());
            await ctx.Response.OutputStream.FlushAsync();
            var e = Assert.ThrowsAsync<InvalidOperationException>(() => session.SetAsync("a", 1));
            await ctx.Response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(e!.Message));
        });
        using var client = Server.CreateRawClient();
        using var response = await client.GetAsync("/");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("headers were already sent"));
        Assert.That(await Store.Inner.CountAsync(Clock.GetUtcNow(), default), Is.Zero);
    }

    [Test]
    public async Task Writing_an_existing_session_after_the_body_started_still_stores_the_value()
    {
        // the client has its whole response before the handler's late write ends, so the test waits for the handler
        var lateWriteDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server = Support.TestHttpServer.Start(async ctx =>
        {
            var session = new MongoSess(ctx);
            if (ctx.Request.Url!.AbsolutePath == "/start")
            {
                await session.SetAsync("n", 1);
                return;
            }
            ctx.Response.ContentLength64 = 2;
            await ctx.Response.OutputStream.WriteAsync("ok"u8.ToArray());
            await session.SetAsync("n", 2);
            lateWriteDone.SetResult();
        });
        using var browser = Server.CreateBrowser();
        (await browser.GetAsync("/start")).Dispose();
        using var response = await browser.GetAsync("/late");
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("ok"));
        await lateWriteDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(Server.Errors, Is.Empty);
        var all = new List<SessionRecord>();
        await foreach (var r in Store.Inner.ListAsync(Clock.GetUtcNow(), default))
        {
            all.Add(r);
        }
        Assert.That(all.Single().Data.ToDictionary()["n"], Is.EqualTo(2));
    }

    [Test]
    public async Task Per_request_cookie_options_override_and_inherit_the_keys()
    {
        Server = Support.TestHttpServer.Start(async ctx =>
        {
            var session = new MongoSess(ctx, new SessionCookieOptions { Name = "admin_sess", SameSite = SameSiteMode.Strict });
            await session.SetAsync("a", 1);
        });
        var raw = await Support.RawHttp.SendAsync(Server.Port, "GET", "/");
        var lines = Support.RawHttp.HeaderLines(raw, "Set-Cookie");
        Assert.That(lines, Has.Count.EqualTo(1));
        Assert.That(lines[0], Does.StartWith("admin_sess=").And.Contain("SameSite=Strict"));
    }

    [Test]
    public async Task Request_status_stays_the_applications_to_choose()
    {
        Server = Support.TestHttpServer.Start(async ctx =>
        {
            var session = new MongoSess(ctx);
            await session.SetAsync("a", 1);
            ctx.Response.StatusCode = 201;
        });
        using var client = Server.CreateRawClient();
        using var response = await client.GetAsync("/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }
}
