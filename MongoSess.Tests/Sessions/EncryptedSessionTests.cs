using System.Text;
using MongoDB.Bson;
using MongoSessions.Values;
using MongoSessions.Encryption;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Sessions;

/// <summary>The whole per-request API over HTTP with encryption at rest on.</summary>
[TestFixture]
public sealed class EncryptedSessionTests : SessionTestBase
{
    private static readonly EncryptionKeyring Keys = new(new EncryptionKey("k1", EncryptionKey.GenerateKey()));

    [SetUp]
    public async Task EncryptAsync()
    {
        var options = Options();
        options.Encryption = Keys;
        await ReconnectAsync(options);
    }

    [Test]
    public async Task Values_flash_tokens_and_regeneration_work_and_the_store_sees_only_ciphertext()
    {
        Serve(async (session, ctx) =>
        {
            switch (ctx.Request.Url!.AbsolutePath)
            {
                case "/login":
                    await session.SetAsync("user", "ann-private");
                    await session.FlashAsync("message", "welcome-private");
                    await session.RegenerateAsync();
                    return session.Id!;
                default:
                    var message = await session.GetFlashAsync<string>("message");
                    var views = await session.IncrementAsync("views");
                    return $"{await session.GetAsync<string>("user")} {message ?? "-"} {views} {(await session.GetTokenAsync()).Length}";
            }
        });
        using var browser = Server!.CreateBrowser();
        var id = await GetTextAsync(browser, "/login");
        Assert.That(await GetTextAsync(browser, "/"), Is.EqualTo("ann-private welcome-private 1 64"));
        Assert.That(await GetTextAsync(browser, "/"), Is.EqualTo("ann-private - 2 64"), "the flash showed once");

        var stored = (await Store.Inner.LoadAsync(id, Clock.GetUtcNow(), default))!;
        Assert.That(stored.Data.Keys, Is.EqualTo(new[] { EncryptingSessionStore.Field }));
        Assert.That(Encoding.UTF8.GetString(stored.ToBson()), Does.Not.Contain("private").And.Not.Contain("views"));
        Assert.That(stored.CsrfToken, Is.Not.Null, "the token stays beside the ciphertext");
    }

    [Test]
    public async Task Administration_sees_decrypted_data()
    {
        var text = await RoundTripAsync(s => s.SetAsync("user", new { id = 42 }), async _ =>
        {
            var users = new List<object?>();
            await foreach (var record in MongoSess.ListAsync())
            {
                users.Add(((IReadOnlyDictionary<string, object?>)record.Data.ToDictionary()["user"]!)["id"]);
            }
            return string.Join(",", users) + " " + await MongoSess.EndWhereAsync("user.id", 42);
        });
        Assert.That(text, Is.EqualTo("42 1"));
    }

    [Test]
    public async Task Encryption_works_over_a_custom_store_that_meets_the_store_contract()
    {
        await MongoSess.CloseAsync();
        var options = Options();
        options.Encryption = Keys;
        var inner = new MemorySessionStore();
        await MongoSess.ConnectAsync(new CustomStore(inner), options);
        var text = await RoundTripAsync(
            async s => { await s.SetAsync("email", "ann@example.com"); await s.IncrementAsync("n"); },
            async s => $"{await s.GetAsync<string>("email")} {await s.IncrementAsync("n")}");
        Assert.That(text, Is.EqualTo("ann@example.com 2"));
        await foreach (var record in inner.ListAsync(Clock.GetUtcNow(), default))
        {
            Assert.That(record.Data.Keys, Is.EqualTo(new[] { EncryptingSessionStore.Field }), "only ciphertext reaches the custom store");
        }
    }

    [Test]
    public async Task On_MongoDB_each_encrypted_write_is_a_find_and_a_versioned_findAndModify()
    {
        await MongoSess.CloseAsync();
        await using var server = MongoWireServer.Start();
        var options = MongoTestConnections.Options(server.ConnectionString);
        options.Cookie = new SessionCookieOptions { Keys = new Keyring(Secret) };
        options.Encryption = Keys;
        await MongoSess.ConnectAsync(options);
        var text = await RoundTripAsync(
            async s => { await s.SetAsync("email", "ann@example.com"); await s.SetAsync("plan", "gold"); },
            async s => $"{await s.GetAsync<string>("email")} {await s.GetAsync<string>("plan")}");
        Assert.That(text, Is.EqualTo("ann@example.com gold"));

        var document = server.Store.Documents("mongosess", "sessions").Single();
        Assert.That(((BsonDocument)document["data"]!).Select(e => e.Name), Is.EqualTo(new[] { EncryptingSessionStore.Field }));
        Assert.That(document["version"], Is.EqualTo(new BsonInt64(2)), "created at 1, one swap since");
        Assert.That(Encoding.UTF8.GetString(document.ToBson()), Does.Not.Contain("example.com"));
        var swap = server.Statistics.Commands.Single(c => c.GetElement(0).Name == "findAndModify");
        Assert.That(((BsonDocument)swap["query"]!)["version"], Is.EqualTo(new BsonInt64(1)));
    }

    // a store of the application's own: it only passes calls on, as any store meeting the contract would handle them
    private sealed class CustomStore(ISessionStore inner) : DelegatingSessionStore(inner);
}
