using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class ConvenienceTests : SessionTestBase
{
    [Test]
    public async Task Get_with_a_default_and_Has_decide_by_existence_not_truthiness()
    {
        var result = await RoundTripAsync(
            s => s.SetAsync(new { zero = 0, no = false, nothing = (string?)null }),
            async s => string.Join("|",
                await s.GetAsync("zero", 5), await s.GetAsync("no", true), await s.GetAsync("nothing", "dflt") ?? "null", await s.GetAsync("missing", 7),
                await s.HasAsync("zero"), await s.HasAsync("nothing"), await s.HasAsync("missing")));
        Assert.That(result, Is.EqualTo("0|False|null|7|True|True|False"));
    }

    [Test]
    public async Task Pull_reads_and_removes_once()
    {
        var result = await RoundTripAsync(
            s => s.SetAsync(new { message = "hello", zero = 0 }),
            async s => string.Join("|",
                await s.PullAsync<string>("message"), await s.PullAsync("message", "gone"), await s.PullAsync("zero", 9), await s.HasAsync("zero")));
        Assert.That(result, Is.EqualTo("hello|gone|0|False"));
    }

    [Test]
    public async Task Concurrent_pulls_hand_the_value_to_exactly_one_request()
    {
        Serve(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/write")
            {
                await session.SetAsync("ticket", "only-one");
                return "written";
            }
            return await session.PullAsync("ticket", "none") ?? "none";
        });
        var cookie = "sess=" + SessionCookieValue(await RawHttp.SendAsync(Server!.Port, "GET", "/write"));
        using var client = Server.CreateRawClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GetTextAsync(client, "/pull", cookie)));
        Assert.That(answers.Count(a => a == "only-one"), Is.EqualTo(1));
        Assert.That(answers.Count(a => a == "none"), Is.EqualTo(19));
    }

    [Test]
    public async Task Push_appends_and_refuses_a_non_array()
    {
        var result = await RoundTripAsync(
            async s =>
            {
                await s.PushAsync("cart", "apple");
                await s.PushAsync("cart", new { sku = "pear", qty = 2 });
                await s.SetAsync("name", "ann");
            },
            async s =>
            {
                Assert.ThrowsAsync<InvalidOperationException>(() => s.PushAsync("name", "x"));
                var cart = (List<object?>)(await s.GetAsync())["cart"]!;
                return $"{cart.Count}|{cart[0]}|{await s.GetAsync<string>("cart.1.sku")}|{await s.GetAsync<string>("name")}";
            });
        Assert.That(result, Is.EqualTo("2|apple|pear|ann"));
    }

    [Test]
    public async Task Flush_empties_the_session_but_keeps_it()
    {
        var result = await RoundTripAsync(
            s => s.SetAsync(new { a = 1, b = 2 }),
            async s =>
            {
                var id = s.Id;
                await s.FlushAsync();
                await s.SetAsync("c", 3);
                return $"{string.Join(",", (await s.GetAsync()).Keys)}|{s.Id == id}";
            });
        Assert.That(result, Is.EqualTo("c|True"));
    }

    [Test]
    public async Task Flush_pull_and_del_never_create_a_session()
    {
        Serve(async (session, ctx) =>
        {
            await session.FlushAsync();
            await session.PullAsync<string>("x");
            await session.DelAsync("y");
            return session.Id ?? "none";
        });
        var raw = await RawHttp.SendAsync(Server!.Port, "GET", "/");
        Assert.That(RawHttp.Body(raw), Is.EqualTo("none"));
        Assert.That(SessionCookieValue(raw), Is.Null);
        Assert.That(Store.TotalCalls, Is.Zero);
    }
}
