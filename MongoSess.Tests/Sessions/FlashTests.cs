using MongoDB.Bson;
using MongoSessions.Values;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class FlashTests : SessionTestBase
{
    private TestHttpServer ServeRoutes(Func<MongoSess, Task>? duringRead = null) => Serve(async (session, ctx) =>
    {
        var query = ctx.Request.QueryString;
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/flash":
                foreach (var key in query.AllKeys)
                {
                    await session.FlashAsync(key!, query[key]);
                }
                return $"{await session.GetFlashAsync<string>(query.AllKeys[0]!) ?? "none"}";
            case "/reflash":
                var seen = await session.GetFlashAsync<string>("msg") ?? "none";
                await session.ReflashAsync();
                return seen;
            case "/keep":
                var a = await session.GetFlashAsync<string>("a") ?? "none";
                await session.KeepAsync("a");
                return a;
            default:
                var value = $"{await session.GetFlashAsync<string>(query["k"] ?? "msg") ?? "none"}";
                if (duringRead is not null)
                {
                    await duringRead(session);
                }
                return value;
        }
    });

    private async Task<string> CookieAfterAsync(string path)
    {
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", path);
        return "Cookie: sess=" + SessionCookieValue(raw);
    }

    private async Task<string> ReadAsync(string cookie, string path = "/read") => RawHttp.Body(await RawHttp.SendAsync(Server!.Port, "GET", path, cookie));

    [Test]
    public async Task A_flash_is_readable_in_the_next_request_only()
    {
        ServeRoutes();
        var cookie = await CookieAfterAsync("/flash?msg=Welcome");
        Assert.That(await ReadAsync(cookie), Is.EqualTo("Welcome"));
        Assert.That(await ReadAsync(cookie), Is.EqualTo("none"));
    }

    [Test]
    public async Task Once_a_flash_is_shown_later_reads_write_nothing_and_send_no_cookie()
    {
        var options = Options();
        options.TouchAfter = Timeout.InfiniteTimeSpan;
        await ReconnectAsync(options);
        ServeRoutes();
        var cookie = await CookieAfterAsync("/flash?msg=Welcome");
        Assert.That(await ReadAsync(cookie), Is.EqualTo("Welcome"));
        int updates = Store.Calls(nameof(ISessionStore.UpdateAsync));
        for (int i = 0; i < 3; i++)
        {
            var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/read", cookie);
            Assert.That(RawHttp.Body(raw), Is.EqualTo("none"));
            Assert.That(RawHttp.HeaderLines(raw, "Set-Cookie"), Is.Empty, "no cookie re-sent by a read");
        }
        Assert.That(Store.Calls(nameof(ISessionStore.UpdateAsync)), Is.EqualTo(updates), "the emptied flash key left behind is not a waiting flash");
    }

    [Test]
    public async Task Flashing_one_key_twice_shows_the_last_value()
    {
        ServeRoutes();
        Serve(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/twice")
            {
                await session.FlashAsync("msg", "first");
                await session.FlashAsync("msg", "second");
                return "ok";
            }
            return await session.GetFlashAsync<string>("msg") ?? "none";
        });
        var cookie = await CookieAfterAsync("/twice");
        Assert.That(await ReadAsync(cookie), Is.EqualTo("second"), "as Laravel and node-session: the last flash wins");
    }

    // /flash flashes "Saved"; /login regenerates, after showing the flash when told to; any other path shows it
    private void ServeLogin(bool showBeforeRegenerating) => Serve(async (session, ctx) =>
    {
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/flash":
                await session.FlashAsync("msg", "Saved");
                return "ok";
            case "/login":
                var shown = showBeforeRegenerating ? await session.GetFlashAsync<string>("msg") ?? "none" : "not read";
                await session.SetAsync("user", "ann");
                await session.RegenerateAsync();
                return shown;
            default:
                return await session.GetFlashAsync<string>("msg") ?? "none";
        }
    });

    [Test]
    public async Task A_flash_survives_a_regeneration_in_the_next_request_that_did_not_show_it()
    {
        ServeLogin(showBeforeRegenerating: false);
        var cookie = await CookieAfterAsync("/flash");
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/login", cookie);
        var regenerated = "Cookie: sess=" + SessionCookieValue(raw);
        Assert.That(regenerated, Is.Not.EqualTo(cookie));
        Assert.That(await ReadAsync(regenerated), Is.EqualTo("Saved"));
        Assert.That(await ReadAsync(regenerated), Is.EqualTo("none"));
    }

    [Test]
    public async Task A_flash_shown_before_a_regeneration_does_not_come_back()
    {
        ServeLogin(showBeforeRegenerating: true);
        var cookie = await CookieAfterAsync("/flash");
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/login", cookie);
        Assert.That(RawHttp.Body(raw), Is.EqualTo("Saved"));
        Assert.That(await ReadAsync("Cookie: sess=" + SessionCookieValue(raw)), Is.EqualTo("none"));
    }

    [Test]
    public async Task A_flash_is_not_readable_in_the_request_that_wrote_it()
    {
        ServeRoutes();
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server!.Port, "GET", "/flash?msg=hi")), Is.EqualTo("none"));
    }

    [Test]
    public async Task Concurrent_readers_see_a_flash_exactly_once()
    {
        const int Readers = 12;
        var shared = new MemorySessionStore();
        await MongoSess.CloseAsync();
        await MongoSess.ConnectAsync(shared, Options());
        ServeRoutes();
        var cookie = await CookieAfterAsync("/flash?msg=once");
        // every reader loads (and sees the entry) before any of them takes it
        await MongoSess.CloseAsync();
        await MongoSess.ConnectAsync(new LoadBarrierStore(shared, Readers), Options());
        var answers = await Task.WhenAll(Enumerable.Range(0, Readers).Select(_ => ReadAsync(cookie)));
        Assert.That(answers.Count(a => a == "once"), Is.EqualTo(1), string.Join(",", answers));
    }

    [Test]
    public async Task A_flash_written_while_another_request_takes_flashes_is_not_lost()
    {
        string? id = null;
        ServeRoutes(async session =>
        {
            // another request flashes right after this one took the waiting entries
            id = session.Id;
            var entry = new BsonDocument().Add("v", new BsonString("second")).Add("t", BsonConversions.FromDateTimeOffset(Clock.GetUtcNow()));
            var stored = await Store.Inner.LoadAsync(id!, Clock.GetUtcNow(), default);
            await Store.Inner.UpdateAsync(new SessionUpdate(id!, stored!.TokenHash!, [SessionOperation.FlashSet("msg.concurrent", entry)], Clock.GetUtcNow(), null, createIfMissing: false), default);
        });
        var cookie = await CookieAfterAsync("/flash?msg=first");
        Assert.That(await ReadAsync(cookie), Is.EqualTo("first"));
        Assert.That(await ReadAsync(cookie), Is.EqualTo("second"), "kept for the following request");
    }

    [Test]
    public async Task The_latest_of_several_flashes_under_one_key_wins()
    {
        Serve(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/flash")
            {
                await session.FlashAsync("msg", "older");
                Clock.Advance(TimeSpan.FromSeconds(1));
                await session.FlashAsync("msg", "newer");
                return "ok";
            }
            return await session.GetFlashAsync<string>("msg") ?? "none";
        });
        var cookie = await CookieAfterAsync("/flash");
        Assert.That(await ReadAsync(cookie), Is.EqualTo("newer"));
    }

    [Test]
    public async Task Reflash_keeps_every_flash_one_more_request()
    {
        ServeRoutes();
        var cookie = await CookieAfterAsync("/flash?msg=again");
        Assert.That(await ReadAsync(cookie, "/reflash"), Is.EqualTo("again"));
        Assert.That(await ReadAsync(cookie), Is.EqualTo("again"));
        Assert.That(await ReadAsync(cookie), Is.EqualTo("none"));
    }

    [Test]
    public async Task Keep_keeps_only_the_named_flashes()
    {
        ServeRoutes();
        var cookie = await CookieAfterAsync("/flash?a=A&b=B");
        Assert.That(await ReadAsync(cookie, "/keep"), Is.EqualTo("A"));
        Assert.That(await ReadAsync(cookie, "/read?k=a"), Is.EqualTo("A"));
        var cookie2 = await CookieAfterAsync("/flash?a=A2&b=B2");
        Assert.That(await ReadAsync(cookie2, "/keep"), Is.EqualTo("A2"));
        Assert.That(await ReadAsync(cookie2, "/read?k=b"), Is.EqualTo("none"));
    }

    [Test]
    public async Task Flash_keys_cannot_hold_dots_and_flashes_are_not_session_values()
    {
        Serve(async (session, ctx) =>
        {
            Assert.ThrowsAsync<ArgumentException>(() => session.FlashAsync("a.b", 1));
            await session.FlashAsync("msg", "x");
            return string.Join(",", (await session.GetAsync()).Keys);
        });
        using var client = Server!.CreateRawClient();
        Assert.That(await GetTextAsync(client, "/"), Is.Empty);
    }
}
