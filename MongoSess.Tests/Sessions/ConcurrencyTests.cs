using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class ConcurrencyTests : SessionTestBase
{
    [Test]
    public async Task Concurrent_increments_on_one_session_lose_nothing()
    {
        Serve(async (session, ctx) => (await session.IncrementAsync("views")).ToString());
        var cookie = "sess=" + SessionCookieValue(await RawHttp.SendAsync(Server!.Port, "GET", "/"));
        const int Requests = 60;
        using var client = Server.CreateRawClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => GetTextAsync(client, "/", cookie)));
        Assert.That(answers.Select(long.Parse).Order(), Is.EqualTo(Enumerable.Range(2, Requests).Select(i => (long)i)), "each request saw its own new value");
        Assert.That(await GetTextAsync(client, "/", cookie), Is.EqualTo((Requests + 2).ToString()));
    }

    [Test]
    public async Task Concurrent_sets_of_different_keys_lose_nothing()
    {
        Serve(async (session, ctx) =>
        {
            var key = ctx.Request.QueryString["k"];
            if (key is null)
            {
                return string.Join(",", (await session.GetAsync()).Keys.Order());
            }
            await session.SetAsync(key, key.Length);
            return "ok";
        });
        var cookie = "sess=" + SessionCookieValue(await RawHttp.SendAsync(Server!.Port, "GET", "/?k=first"));
        using var client = Server.CreateRawClient();
        var keys = Enumerable.Range(0, 40).Select(i => $"key{i:D2}").ToList();
        await Task.WhenAll(keys.Select(k => GetTextAsync(client, "/?k=" + k, cookie)));
        var stored = (await GetTextAsync(client, "/", cookie)).Split(',');
        Assert.That(stored, Is.EquivalentTo(keys.Append("first")));
    }

    [Test]
    public async Task Concurrent_calls_on_one_session_object_create_one_session()
    {
        Serve(async (session, ctx) =>
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(i => session.SetAsync($"k{i}", i)));
            return session.Id!;
        });
        using var client = Server!.CreateRawClient();
        await GetTextAsync(client, "/");
        Assert.That(await Store.Inner.CountAsync(Clock.GetUtcNow(), default), Is.EqualTo(1));
    }
}
