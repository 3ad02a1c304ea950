using System.Net;


namespace MongoSessions.Tests.Readme;

/// <summary>The README's code, as written there; <see cref="ReadmeTests"/> checks that the two stay identical.</summary>
internal static class ReadmeExamples
{
    public sealed record Cart(string Sku, int Qty);

    public static async Task<string> PerRequestAsync(HttpListenerContext ctx)
    {
        // README begin: per request
        var session = new MongoSess(ctx.Request, ctx.Response);  // or new MongoSess(ctx); no I/O here
        await session.SetAsync("user", "ann");
        await session.SetAsync(new { theme = "dark", admin = false });         // several keys, one atomic write
        await session.SetAsync("cart", new Cart("A-1", 2));                    // any object: stored as a nested document
        var user = await session.GetAsync<string>("user");                    // default(T) when absent
        var cart = await session.GetAsync<Cart>("cart");
        IReadOnlyDictionary<string, object?> all = await session.GetAsync();
        long views = await session.IncrementAsync("views");                   // atomic; returns the new value
        int page = await session.GetAsync("page", 1);                         // 1 when the key does not exist
        bool known = await session.HasAsync("user");                          // true even for null, false or 0
        string? notice = await session.PullAsync<string>("notice");           // read and remove, atomically
        await session.PushAsync("visited", "/products/42");                   // append to an array, created if missing
        await session.DelAsync(["theme", "admin"]);                           // several keys, one atomic write
        await session.RegenerateAsync();                                      // after login: new token, atomically
        await session.SetLifetimeAsync(TimeSpan.FromDays(30));                // "remember me": its own idle timeout and cookie
        await session.ExpireAsync();                                          // browser-session cookie from now on
        await session.FlushAsync();                                           // no values left, same session
        await session.EndAsync();                                             // delete the session, expire the cookie

        // store-wide
        long live = await MongoSess.CountAsync();
        await MongoSess.EndWhereAsync("user", "ann");                         // log ann out everywhere
        await foreach (var record in MongoSess.ListAsync())                   // key, data and dates; never a token
        {
            if (record.ExpiresAt - DateTimeOffset.UtcNow < TimeSpan.FromMinutes(1))
            {
                await MongoSess.EndAsync(record.Id);                          // one session, by its key (session.Id)
            }
        }
        await MongoSess.RemoveExpiredAsync();                                 // remove expired sessions now
        // README end
        return $"{user} {cart} {all.Count} {views} {page} {known} {notice ?? "-"} {live}";
    }
}
