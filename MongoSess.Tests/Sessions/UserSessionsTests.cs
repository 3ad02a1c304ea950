using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

/// <summary>"Where you're signed in": a session tied to a user, that user's sessions, and logging the others out.</summary>
[TestFixture]
public sealed class UserSessionsTests : SessionTestBase
{
    private TestHttpServer ServeRoutes() => Serve(async (session, ctx) =>
    {
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/login":
                await session.RegenerateAsync();
                await session.SetUserAsync(ctx.Request.QueryString["user"]!, new Dictionary<string, string> { ["agent"] = ctx.Request.UserAgent ?? "-" });
                return session.Id!;
            case "/others":
                return (await session.EndOtherSessionsAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                var mine = await session.ListUserSessionsAsync();
                return string.Join(",", mine.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.ClientInfo.GetValueOrDefault("agent")}:{(s.IsCurrent ? "current" : "other")}"));
        }
    });

    private async Task<(string Cookie, string Key)> LoginAsync(string user, string agent)
    {
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/login?user=" + user, "User-Agent: " + agent);
        return ("Cookie: sess=" + SessionCookieValue(raw), RawHttp.Body(raw));
    }

    [Test]
    public async Task A_user_sees_their_sessions_and_logs_the_others_out_without_touching_other_users()
    {
        ServeRoutes();
        var (laptop, laptopKey) = await LoginAsync("ann", "laptop");
        var (phone, phoneKey) = await LoginAsync("ann", "phone");
        var (bob, _) = await LoginAsync("bob", "desktop");

        Store.Reset();
        var listed = RawHttp.Body(await RawHttp.SendAsync(Server!.Port, "GET", "/list", laptop));
        var expected = new[] { $"{laptopKey}:laptop:current", $"{phoneKey}:phone:other" }.OrderBy(s => s);
        Assert.That(listed, Is.EqualTo(string.Join(",", expected)));
        Assert.That(Store.Calls(nameof(ISessionStore.ListAsync)), Is.Zero, "no scan of every session");

        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/others", laptop)), Is.EqualTo("1"));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/list", laptop)), Is.EqualTo($"{laptopKey}:laptop:current"));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/list", phone)), Is.Empty, "the phone is logged out");
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/list", bob)), Does.EndWith(":desktop:current"), "bob is untouched");
        Assert.That(await MongoSess.EndUserSessionsAsync("bob"), Is.EqualTo(1));
        Assert.That(await MongoSess.ListUserSessionsAsync("bob"), Is.Empty);
    }

    [Test]
    public async Task Last_seen_follows_use_and_a_session_tied_to_no_user_lists_nothing()
    {
        ServeRoutes();
        var (laptop, _) = await LoginAsync("ann", "laptop");
        var created = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromHours(3));
        await RawHttp.SendAsync(Server!.Port, "GET", "/others", laptop);

        var session = (await MongoSess.ListUserSessionsAsync("ann")).Single();
        Assert.That(session.CreatedAt, Is.EqualTo(created));
        Assert.That(session.LastSeen, Is.EqualTo(created), "a request that only reads moves it once TouchAfter (1.4 days) has passed");
        Clock.Advance(TimeSpan.FromDays(2));
        await RawHttp.SendAsync(Server.Port, "GET", "/list", laptop);
        Assert.That((await MongoSess.ListUserSessionsAsync("ann")).Single().LastSeen, Is.EqualTo(Clock.GetUtcNow()));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/list")), Is.Empty);
    }
}
