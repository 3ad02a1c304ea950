using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using MongoDB.Bson;
using MongoSessions.Demo;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Faults;

/// <summary>
/// Thousands of seeded random hostile requests against the demo's own host and routes, in-process on a real
/// HttpListener: none may get a 5xx or hang, the server keeps serving, and a victim session in the same store is
/// byte for byte what it was. Set MONGOSESS_FUZZ_SEED to replay a run; the seed is printed either way.
/// </summary>
[TestFixture]
internal sealed class MalformedRequestTests
{
    private const int Requests = 3000;
    private const int Concurrency = 4;
    private const string Secret = "fuzz-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    private static readonly TimeSpan s_answerLimit = TimeSpan.FromSeconds(10);

    private MemorySessionStore _store = null!;
    private HttpListener _listener = null!;
    private CancellationTokenSource _stopping = null!;
    private Task _host = null!;
    private StringWriter _log = null!;
    private TextWriter _originalError = null!;
    private int _port;

    [SetUp]
    public async Task StartDemoAsync()
    {
        await MongoSess.CloseAsync();
        _store = new MemorySessionStore();
        await MongoSess.ConnectAsync(_store, new MongoSessOptions
        {
            Cookie = new SessionCookieOptions { Keys = new Keyring(Secret) },
            Cleanup = SessionCleanup.Off,
        });
        // the demo host logs failed requests to standard error: keep them to assert on
        _originalError = Console.Error;
        _log = new StringWriter();
        Console.SetError(TextWriter.Synchronized(_log));
        _port = FreePort.Next();
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _stopping = new CancellationTokenSource();
        _host = new DemoHost(_listener, new DemoRoutes("memory store")).RunAsync(_stopping.Token);
    }

    [TearDown]
    public async Task StopDemoAsync()
    {
        await _stopping.CancelAsync();
        await _host;
        _listener.Close();
        _stopping.Dispose();
        Console.SetError(_originalError);
        await _log.DisposeAsync();
        await MongoSess.CloseAsync();
        // Close disposed it already; a memory store does not mind a second time
        await _store.DisposeAsync();
    }

    [Test]
    public async Task Hostile_requests_get_no_5xx_and_leave_a_victim_session_untouched()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("MONGOSESS_FUZZ_SEED"), out int given) ? given : Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {seed} (replay with MONGOSESS_FUZZ_SEED={seed})");
        string victimCookie = await CreateVictimAsync(seed);
        var attackers = await CreateAttackersAsync(seed);
        string before = await SnapshotAsync(victimCookie);

        var statuses = new ConcurrentDictionary<string, int>();
        var kinds = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
        {
            // one generator per request, so the same seed gives the same requests whatever the interleaving
            var (kind, bytes) = MalformedRequest.Create(new Random(unchecked((seed * 7919) + i)), _port, victimCookie, attackers);
            kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
            if (System.Text.Encoding.Latin1.GetString(bytes).Contains(victimCookie, StringComparison.Ordinal))
            {
                failures.Enqueue($"#{i} {kind}: the generator sent the victim's real cookie");
                return;
            }
            try
            {
                int? status = await RawHttp.StatusOfAsync(_port, bytes, s_answerLimit);
                statuses.AddOrUpdate(status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "closed", 1, (_, n) => n + 1);
                if (status >= 500 && !(status == 505 && !SpeaksHttp1(bytes)))
                {
                    failures.Enqueue($"#{i} {kind}: {status}");
                }
            }
            catch (TimeoutException e)
            {
                failures.Enqueue($"#{i} {kind}: {e.Message}");
            }
        });
        watch.Stop();

        TestContext.Out.WriteLine($"{Requests} requests in {watch.Elapsed.TotalSeconds:0.0} s");
        TestContext.Out.WriteLine("kinds: " + string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        TestContext.Out.WriteLine("answers: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}")));
        Assert.That(failures, Is.Empty, $"seed {seed}: {string.Join("; ", failures.Take(10))}");
        Assert.That(statuses.Where(s => s.Key != "closed").Sum(s => s.Value), Is.GreaterThan(Requests / 2), "most requests were answered, so the routes were reached");
        Assert.That(statuses.Keys, Has.Some.StartsWith("2").And.Some.StartsWith("3").And.Some.StartsWith("4"), "accepted, redirected (a login) and refused requests");

        Assert.That(await SnapshotAsync(victimCookie), Is.EqualTo(before), $"seed {seed}: the victim's stored session changed");
        string after = await RawHttp.SendAsync(_port, "GET", "/views", $"Cookie: sess={victimCookie}");
        Assert.That(after, Does.StartWith("HTTP/1.1 200"), "the server still serves its victim");
        Assert.That(RawHttp.Body(after), Is.EqualTo("43"), "with the session it had");
        string log = _log.ToString();
        Assert.That(log, Does.Not.Contain("failed to answer").And.Not.Contain("Exception"), $"seed {seed}: the host logged a failure:\n{log}");
    }

    [Test]
    public void A_signature_that_differs_only_in_its_unused_trailing_bits_does_not_verify()
    {
        // 32 bytes take 43 base64url characters, whose last one has two bits to spare: a decoder that ignores them
        // would accept four spellings of one signature, and the "tampered" cookie would open the session
        var keys = new Keyring(Secret);
        string id = MongoSessions.Cookies.SessionToken.New();
        string cookie = MongoSessions.Cookies.CookieSigner.Sign(id, keys);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = Alphabet.IndexOf(cookie[^1], StringComparison.Ordinal);

        var outcomes = Enumerable.Range(1, 3)
            .Select(flip => MongoSessions.Cookies.CookieSigner.Verify(cookie[..^1] + Alphabet[last ^ flip], keys).Id)
            .ToList();

        Assert.That(MongoSessions.Cookies.CookieSigner.Verify(cookie, keys).Id, Is.EqualTo(id));
        Assert.That(outcomes, Is.All.Null);
    }

    // HttpListener itself answers 505 (HTTP Version Not Supported, RFC 9110 15.6.6) to "HTTP/2.0" or "HTTP/0.9" in
    // a request line, before any application code runs: the one 5xx that is the right answer, and only there
    private static bool SpeaksHttp1(byte[] request)
    {
        string text = System.Text.Encoding.Latin1.GetString(request);
        int end = text.IndexOf("\r\n", StringComparison.Ordinal);
        string line = end < 0 ? text : text[..end];
        return line.EndsWith(" HTTP/1.1", StringComparison.Ordinal) || line.EndsWith(" HTTP/1.0", StringComparison.Ordinal);
    }

    // the victim's token and cookie come from the seed too, so a replay sends exactly the same bytes
    private async Task<string> CreateVictimAsync(int seed)
    {
        var idBytes = new byte[48];
        new Random(seed).NextBytes(idBytes);
        string id = System.Buffers.Text.Base64Url.EncodeToString(idBytes);
        var now = DateTimeOffset.UtcNow;
        await _store.UpdateAsync(
            TestTokens.Update(id, [SessionOperation.Set("views", new MongoDB.Bson.BsonInt64(41)), SessionOperation.Set("user", new MongoDB.Bson.BsonString("victim"))], now, now.AddDays(14), createIfMissing: true),
            default);
        string cookie = MongoSessions.Cookies.CookieSigner.Sign(id, new Keyring(Secret));

        // a real visit: the count moves and the home page gives the session its CSRF token
        Assert.That(RawHttp.Body(await RawHttp.SendAsync(_port, "GET", "/views", $"Cookie: sess={cookie}")), Is.EqualTo("42"));
        Assert.That(await RawHttp.SendAsync(_port, "GET", "/", $"Cookie: sess={cookie}"), Does.StartWith("HTTP/1.1 200").And.Contain("victim"));
        return cookie;
    }

    // sessions the attacker got honestly, each with its CSRF token; seeded too
    private async Task<List<(string Cookie, string Token)>> CreateAttackersAsync(int seed)
    {
        var random = new Random(unchecked(seed + 1));
        var attackers = new List<(string Cookie, string Token)>();
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 20; i++)
        {
            var bytes = new byte[96];
            random.NextBytes(bytes);
            string id = System.Buffers.Text.Base64Url.EncodeToString(bytes.AsSpan(0, 48));
            string token = System.Buffers.Text.Base64Url.EncodeToString(bytes.AsSpan(48));
            var update = TestTokens.Update(id, [SessionOperation.Set("views", new MongoDB.Bson.BsonInt64(0))], now, now.AddDays(14), createIfMissing: true);
            await _store.UpdateAsync(
                new SessionUpdate(update.Id, update.TokenHash, update.Operations, now, update.ExpiresAt, createIfMissing: true) { CsrfToken = token },
                default);
            attackers.Add((MongoSessions.Cookies.CookieSigner.Sign(id, new Keyring(Secret)), token));
        }
        return attackers;
    }

    // every field of the stored record, the data and flash documents as their exact BSON bytes
    private async Task<string> SnapshotAsync(string victimCookie)
    {
        var record = await _store.LoadAsync(TestTokens.KeyOf(victimCookie), DateTimeOffset.UtcNow, default);
        Assert.That(record, Is.Not.Null, "the victim session exists");
        return string.Join(
            " | ",
            record!.Id,
            Convert.ToBase64String(record.Data.Document.ToBson()),
            Convert.ToBase64String(record.Flash.Document.ToBson()),
            record.CreatedAt.ToUnixTimeMilliseconds(),
            record.ExpiresAt.ToUnixTimeMilliseconds(),
            record.AbsoluteExpiresAt?.ToUnixTimeMilliseconds(),
            record.BrowserSessionCookie,
            record.CsrfToken);
    }
}
