using System.Net;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

/// <summary>The same sessions carried in an Authorization: Bearer header, for clients that are not browsers.</summary>
[TestFixture]
public sealed class BearerTokenTests : SessionTestBase
{
    private TestHttpServer ServeApi() => Server = TestHttpServer.Start(async ctx =>
    {
        var session = MongoSess.FromBearerToken(ctx.Request);
        string text;
        switch (ctx.Request.Url!.AbsolutePath)
        {
            case "/create":
                await session.SetAsync("client", "cli");
                text = session.IssuedToken!;
                break;
            case "/regenerate":
                text = await session.RegenerateAsync() ? session.IssuedToken! : "none";
                break;
            case "/end":
                await session.EndAsync();
                text = "ended";
                break;
            default:
                text = await session.ExistsAsync() ? (await session.IncrementAsync("views")).ToString(System.Globalization.CultureInfo.InvariantCulture) : "401";
                break;
        }
        await ctx.Response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
    });

    private Task<string> SendAsync(string path, string? token, string? cookie = null)
    {
        var headers = new List<string>();
        if (token is not null)
        {
            headers.Add("Authorization: Bearer " + token);
        }
        if (cookie is not null)
        {
            headers.Add("Cookie: sess=" + cookie);
        }
        return RawHttp.SendAsync(Server!.Port, "GET", path, [.. headers]);
    }

    [Test]
    public async Task A_token_in_the_header_carries_the_session_and_no_cookie_is_ever_set()
    {
        ServeApi();
        var create = await SendAsync("/create", token: null);
        var token = RawHttp.Body(create);

        Assert.That(token, Does.Match(@"^[A-Za-z0-9_-]{64}\.[A-Za-z0-9_-]{43}$"), "signed as the cookie is");
        Assert.That(RawHttp.HeaderLines(create, "Set-Cookie"), Is.Empty);
        var first = await SendAsync("/views", token);
        Assert.That(RawHttp.Body(first), Is.EqualTo("1"));
        Assert.That(RawHttp.HeaderLines(first, "Set-Cookie"), Is.Empty);
        Assert.That(RawHttp.Body(await SendAsync("/views", token)), Is.EqualTo("2"));
        Assert.That(RawHttp.Body(await SendAsync("/views", token: null, cookie: token)), Is.EqualTo("401"), "a bearer session reads no cookie");
    }

    [TestCase("tampered")]
    [TestCase("ended")]
    [TestCase("expired")]
    [TestCase("regenerated")]
    public async Task A_token_that_names_no_live_session_opens_nothing(string how)
    {
        ServeApi();
        var token = RawHttp.Body(await SendAsync("/create", token: null));
        string presented = token;
        switch (how)
        {
            case "tampered":
                presented = (token[0] == 'A' ? "B" : "A") + token[1..];
                break;
            case "ended":
                Assert.That(RawHttp.Body(await SendAsync("/end", token)), Is.EqualTo("ended"));
                break;
            case "expired":
                Clock.Advance(TimeSpan.FromDays(15));
                break;
            case "regenerated":
                var renewed = RawHttp.Body(await SendAsync("/regenerate", token));
                Assert.That(renewed, Is.Not.EqualTo(token).And.Not.EqualTo("none"));
                Assert.That(RawHttp.Body(await SendAsync("/views", renewed)), Is.EqualTo("1"), "the new token carries the session");
                break;
        }
        Assert.That(RawHttp.Body(await SendAsync("/views", presented)), Is.EqualTo("401"));
    }
}
