using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class AdministrationTests : SessionTestBase
{
    private async Task<string> StartSessionAsync(object values)
    {
        var id = MongoSessions.Cookies.SessionToken.New();
        var operations = new List<SessionOperation>();
        foreach (var (key, value) in (Dictionary<string, object?>)MongoSessions.Values.BsonToClrMapper.ToNatural(MongoSessions.Values.ClrToBsonMapper.Map(values, "values"))!)
        {
            operations.Add(SessionOperation.Set(key, MongoSessions.Values.ClrToBsonMapper.Map(value, key)));
        }
        var now = Clock.GetUtcNow();
        await Store.Inner.UpdateAsync(new SessionUpdate(id, MongoSessions.Cookies.SessionToken.Hash(id), operations, now, now.AddHours(1), createIfMissing: true), default);
        return id;
    }

    [Test]
    public async Task All_and_count_see_live_sessions_only()
    {
        var a = await StartSessionAsync(new { user = "ann" });
        var b = await StartSessionAsync(new { user = "bob" });
        Clock.Advance(TimeSpan.FromMinutes(30));
        var c = await StartSessionAsync(new { user = "cid" });
        Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.That(await MongoSess.CountAsync(), Is.EqualTo(1));
        var ids = new List<string>();
        await foreach (var record in MongoSess.ListAsync())
        {
            ids.Add(record.Id);
        }
        Assert.That(ids, Is.EqualTo(new[] { c }));
        Assert.That(await MongoSess.RemoveExpiredAsync(), Is.EqualTo(2));
        Assert.That(await MongoSess.EndAsync(a), Is.False, "already cleaned up");
        Assert.That(await MongoSess.EndAsync(c), Is.True);
        Assert.That(await MongoSess.CountAsync(), Is.Zero);
        _ = b;
    }

    [Test]
    public async Task Administration_names_a_session_by_its_key_which_opens_nothing_by_itself()
    {
        Serve(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/start")
            {
                await session.SetAsync("user", "ann");
            }
            return $"{await session.GetAsync<string>("user") ?? "nobody"} {session.Id ?? "none"}";
        });
        var start = await RawHttp.SendAsync(Server!.Port, "GET", "/start");
        var cookie = SessionCookieValue(start)!;
        var key = RawHttp.Body(start).Split(' ')[1];

        var listed = new List<SessionRecord>();
        await foreach (var record in MongoSess.ListAsync())
        {
            listed.Add(record);
        }
        Assert.That(listed.Select(r => r.Id), Is.EqualTo(new[] { key }), "the request's Id is the stored key");
        Assert.That(listed[0].TokenHash, Is.EqualTo(TestTokens.HashOf(cookie.Split('.')[0])).And.Not.Contain(cookie.Split('.')[0]));
        Assert.That(cookie, Does.StartWith(key), "the key is the token's first part, not the token");

        // the key alone, signed as a cookie would be, is not a token
        var forged = MongoSessions.Cookies.CookieSigner.Sign(key.PadRight(64, 'A'), new Keyring(Secret));
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: sess=" + forged)), Is.EqualTo("nobody none"));

        Assert.That(await MongoSess.EndAsync(key), Is.True);
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(Server.Port, "GET", "/peek", "Cookie: sess=" + cookie)), Is.EqualTo("nobody none"), "ended for its cookie too");
    }

    [Test]
    public async Task Destroy_where_logs_a_user_out_everywhere()
    {
        await StartSessionAsync(new { user = new { id = 42 } });
        await StartSessionAsync(new { user = new { id = 42L } });
        var other = await StartSessionAsync(new { user = new { id = 7 } });
        Assert.That(await MongoSess.EndWhereAsync("user.id", 42.0), Is.EqualTo(2), "numbers compare by value");
        Assert.That(await MongoSess.CountAsync(), Is.EqualTo(1));
        Assert.That(await Store.Inner.LoadAsync(other, Clock.GetUtcNow(), default), Is.Not.Null);
    }

    [Test]
    public async Task Clear_deletes_every_session()
    {
        await StartSessionAsync(new { a = 1 });
        await StartSessionAsync(new { a = 2 });
        await MongoSess.ClearAsync();
        Assert.That(await MongoSess.CountAsync(), Is.Zero);
    }

    [Test]
    public async Task Administration_before_connect_is_a_clear_error()
    {
        await MongoSess.CloseAsync();
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => MongoSess.CountAsync());
        Assert.That(e!.Message, Does.Contain("not connected"));
    }
}
