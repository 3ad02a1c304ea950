using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class RegenerationTests : SessionTestBase
{
    private TestHttpServer ServeRoutes() => Serve(async (session, ctx) =>
    {
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/login":
                await session.SetAsync("user", "ann");
                bool regenerated = await session.RegenerateAsync();
                return $"{regenerated} {session.Id}";
            case "/fresh":
                return $"{await session.RegenerateAsync()} {session.Id ?? "none"}";
            default:
                return $"{await session.GetAsync<string>("user") ?? "nobody"} {await session.IncrementAsync("views")}";
        }
    });

    [Test]
    public async Task Regeneration_moves_the_data_to_a_new_id_and_kills_the_old_one()
    {
        ServeRoutes();
        var start = await RawHttp.SendAsync(Server!.Port, "GET", "/visit");
        var oldCookie = "sess=" + SessionCookieValue(start);
        var oldId = oldCookie[5..48];
        var oldCreated = (await Store.Inner.LoadAsync(oldId, Clock.GetUtcNow(), default))!.CreatedAt;
        Clock.Advance(TimeSpan.FromMinutes(5));

        var login = await RawHttp.SendAsync(Server.Port, "GET", "/login", "Cookie: " + oldCookie);
        var body = RawHttp.Body(login).Split(' ');
        var lines = RawHttp.HeaderLines(login, "Set-Cookie");
        Assert.That(body[0], Is.EqualTo("True"));
        Assert.That(body[1], Is.Not.EqualTo(oldId));
        Assert.That(lines, Has.Count.EqualTo(1), "one cookie line, for the new id");
        Assert.That(lines[0], Does.StartWith("sess=" + body[1] + "."));

        Assert.That(await Store.Inner.LoadAsync(oldId, Clock.GetUtcNow(), default), Is.Null, "the old id is gone from the store");
        var moved = await Store.Inner.LoadAsync(body[1], Clock.GetUtcNow(), default);
        Assert.That(moved!.Data.ToDictionary()["views"], Is.EqualTo(1L));
        Assert.That(moved.Data.ToDictionary()["user"], Is.EqualTo("ann"));
        Assert.That(moved.CreatedAt, Is.EqualTo(oldCreated), "the creation time stays, for absolute timeouts");

        var stolen = RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + oldCookie));
        Assert.That(stolen, Is.EqualTo("nobody 1"), "the old cookie opens nothing");
        var newCookie = "sess=" + lines[0]["sess=".Length..].Split(';')[0];
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/visit", "Cookie: " + newCookie)), Is.EqualTo("ann 2"));
    }

    [Test]
    public async Task A_message_flashed_before_regeneration_shows_on_the_next_request()
    {
        var text = await RoundTripAsync(
            async s =>
            {
                await s.SetAsync("user", "ann");
                await s.FlashAsync("message", "Welcome, ann");
                await s.RegenerateAsync();
            },
            async s => $"{await s.GetFlashAsync<string>("message")}|{await s.GetFlashAsync<string>("message")}");
        Assert.That(text, Is.EqualTo("Welcome, ann|Welcome, ann"), "moved with the session, readable throughout the next request");
    }

    [Test]
    public async Task Regeneration_without_a_session_does_nothing()
    {
        ServeRoutes();
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/fresh");
        Assert.That(RawHttp.Body(raw), Is.EqualTo("False none"));
        Assert.That(SessionCookieValue(raw), Is.Null);
    }
}
