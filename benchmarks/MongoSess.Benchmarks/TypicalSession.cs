using MongoDB.Bson;
using MongoSessions.Values;

namespace MongoSessions.Benchmarks;

/// <summary>The session record the BSON benchmarks use: about 1 KB with 10 data keys, a nested object, a date and a list.</summary>
internal static class TypicalSession
{
    public static BsonDocument Create()
    {
        var now = DateTimeOffset.UtcNow;
        var data = new BsonDocument()
            .Add("views", new BsonInt64(42))
            .Add("user", new BsonDocument()
                .Add("id", new BsonInt32(1_234_567))
                .Add("name", new BsonString("Ann Example"))
                .Add("email", new BsonString("ann@example.com"))
                .Add("roles", new BsonArray().Add(new BsonString("admin")).Add(new BsonString("editor")))
                .Add("admin", BsonBoolean.True))
            .Add("theme", new BsonString("dark"))
            .Add("locale", new BsonString("en-GB"))
            .Add("lastSeen", BsonConversions.FromDateTimeOffset(now))
            .Add("cart", CartItems())
            .Add("returnTo", new BsonString("/account/orders?page=2&sort=date"))
            .Add("score", new BsonDouble(98.5))
            .Add("beta", BsonBoolean.False)
            .Add("note", new BsonString("Remember to ship the blue one, not the red one; the customer asked twice."));
        return new BsonDocument()
            .Add("_id", new BsonString(Cookies.SessionToken.KeyOf(Cookies.SessionToken.New())))
            .Add("tokenHash", new BsonString(Cookies.SessionToken.Hash(Cookies.SessionToken.New())))
            .Add("data", data)
            .Add("createdAt", BsonConversions.FromDateTimeOffset(now.AddHours(-1)))
            .Add("expiresAt", BsonConversions.FromDateTimeOffset(now.AddDays(14)))
            .Add("csrf", new BsonString(Cookies.SessionToken.New()));
    }

    private static BsonArray CartItems()
    {
        var cart = new BsonArray();
        for (int i = 0; i < 5; i++)
        {
            cart.Add(new BsonDocument()
                .Add("sku", new BsonString($"SKU-{1000 + i}"))
                .Add("qty", new BsonInt32(i + 1))
                .Add("price", new BsonDouble(9.99 + i)));
        }
        return cart;
    }
}
