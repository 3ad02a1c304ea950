using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Sessions;

/// <summary>
/// What a copy of the store holds: the session key and the hash of the current token, never a token. So a backup, a
/// database dump or a copied sessions directory signs in as nobody.
/// </summary>
[TestFixture]
public sealed class TokensAtRestTests
{
    private TestHttpServer? _server;
    private MongoWireServer? _wire;
    private string? _directory;

    [TearDown]
    public async Task TearDown()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        await MongoSess.CloseAsync();
        if (_wire is not null)
        {
            await _wire.DisposeAsync();
        }
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [TestCase("memory")]
    [TestCase("file")]
    [TestCase("mongodb")]
    public async Task The_store_holds_the_key_and_a_hash_of_the_token_never_a_token(string kind)
    {
        ISessionStore store = kind switch
        {
            "memory" => new MemorySessionStore(),
            "file" => new FileSessionStore(_directory = Path.Combine(Path.GetTempPath(), "mongosess-tests", "at-rest-" + Guid.NewGuid().ToString("N"))),
            _ => await MongoTestConnections.ConnectAsync(_wire = MongoWireServer.Start()),
        };
        await MongoSess.ConnectAsync(store, new MongoSessOptions { Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) } });
        _server = TestHttpServer.Start(async (session, ctx) =>
        {
            if (ctx.Request.Url!.AbsolutePath == "/login")
            {
                await session.RegenerateAsync();
            }
            else
            {
                await session.SetAsync("user", "ann");
            }
            return session.Id!;
        });

        var first = await RawHttp.SendAsync(_server.Port, "GET", "/");
        var firstToken = CookieToken(first);
        var login = await RawHttp.SendAsync(_server.Port, "GET", "/login", "Cookie: sess=" + FullCookie(first));
        var currentToken = CookieToken(login);
        var key = RawHttp.Body(login);

        var atRest = await DumpAsync(store);
        Assert.Multiple(() =>
        {
            Assert.That(key, Is.EqualTo(TestTokens.KeyOf(currentToken)));
            Assert.That(atRest, Does.Contain(key), "the key is there: it names the session and opens nothing");
            Assert.That(atRest, Does.Contain(TestTokens.HashOf(currentToken)), "the hash of the current token");
            foreach (var token in new[] { firstToken, currentToken })
            {
                Assert.That(atRest, Does.Not.Contain(token[TestTokens.KeyOf(token).Length..]), "no token's secret part");
            }
        });
    }

    private static string FullCookie(string raw) => RawHttp.HeaderLines(raw, "Set-Cookie").Single()["sess=".Length..].Split(';')[0];

    private static string CookieToken(string raw) => FullCookie(raw).Split('.')[0];

    // everything the backend keeps, as text (BSON strings are stored as UTF-8, so a token would appear verbatim)
    private async Task<string> DumpAsync(ISessionStore store)
    {
        var text = new StringBuilder();
        switch (store)
        {
            case FileSessionStore files:
                foreach (var path in Directory.EnumerateFiles(files.Directory, "*", SearchOption.AllDirectories))
                {
                    text.Append(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(path)));
                }
                break;
            case MongoSessionStore mongo:
                foreach (var document in await (await mongo.Collection.FindAsync(FilterDefinition<BsonDocument>.Empty)).ToListAsync())
                {
                    text.Append(Encoding.Latin1.GetString(document.ToBson()));
                }
                break;
            default:
                await foreach (var record in store.ListAsync(DateTimeOffset.UtcNow, default))
                {
                    text.Append(Encoding.Latin1.GetString(record.ToBson()));
                }
                break;
        }
        Assert.That(text.Length, Is.GreaterThan(0), "the session is stored");
        return text.ToString();
    }
}
