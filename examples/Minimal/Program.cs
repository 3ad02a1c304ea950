using System.Net;
using MongoSessions;

var secret = Keyring.GenerateSecret();          // 32 random bytes, base64url; keep yours in configuration
await MongoSess.ConnectAsync(new MemorySessionStore(), new MongoSessOptions
{
    Cookie = new SessionCookieOptions { Keys = new Keyring(secret) },
});
var listener = new HttpListener();
listener.Prefixes.Add("http://localhost:8080/");
listener.Prefixes.Add("http://127.0.0.1:8080/");
listener.Start();
while (true)
{
    var ctx = await listener.GetContextAsync();
    if (ctx.Request.Url!.AbsolutePath != "/")
    {
        ctx.Response.StatusCode = 404;               // /favicon.ico and the like: not a visit
        ctx.Response.Close();
        continue;
    }
    var session = new MongoSess(ctx.Request, ctx.Response);
    long views = await session.IncrementAsync("views");
    var body = System.Text.Encoding.UTF8.GetBytes($"{views}");
    await ctx.Response.OutputStream.WriteAsync(body);
    ctx.Response.Close();
}
