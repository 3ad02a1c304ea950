using BenchmarkDotNet.Attributes;
using MongoSessions.Cookies;

namespace MongoSessions.Benchmarks;

/// <summary>The cookie work of one request: read and verify the session cookie, sign and format a new one, make an id.</summary>
[MemoryDiagnoser]
public class CookieBenchmarks
{
    private readonly Keyring _keys = new(Keyring.GenerateSecret(), Keyring.GenerateSecret());
    private readonly SessionCookieOptions _options;
    private readonly string _id = SessionToken.New();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private string _header = "";

    public CookieBenchmarks() => _options = new SessionCookieOptions { Keys = _keys }.Validated(null);

    [GlobalSetup]
    public void Setup() =>
        // a browser sends the application's own cookies too
        _header = $"theme=dark; _ga=GA1.1.123456789.1700000000; sess={CookieSigner.Sign(_id, _keys)}; lang=en";

    [Benchmark(Description = "cookie: parse header + verify HMAC")]
    public string? Verify()
    {
        foreach (var value in new CookieHeaderParser(_header, "sess"))
        {
            var verification = CookieSigner.Verify(value, _keys);
            if (verification.IsValid)
            {
                return verification.Id;
            }
        }
        return null;
    }

    [Benchmark(Description = "cookie: sign + Set-Cookie line")]
    public string SignAndSetCookie() =>
        SetCookieWriter.BuildSigned(_options, _id, _keys, TimeSpan.FromDays(14), _now, secure: false);

    [Benchmark(Description = "session id: 32 random bytes, base64url")]
    public string NewId() => SessionToken.New();
}
