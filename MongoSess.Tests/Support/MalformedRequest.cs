using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>
/// Builds one hostile HTTP request from a seeded random source: the same seed and index give the same bytes (but for
/// the server's port, which some requests name). The victim's real cookie value never appears in a request, only
/// changed copies of it.
/// </summary>
internal static class MalformedRequest
{
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly string[] s_kinds =
    [
        "garbage-bytes", "garbage-cookie", "huge-cookie", "duplicate-cookies", "non-ascii-cookie", "forged-signature",
        "tampered-cookie", "truncated-cookie", "empty-form", "oversized-form", "chunked-form", "bad-form", "odd-request-line",
        "odd-headers", "attacker-form", "attacker-form",
    ];

    private static readonly string[] s_routes = ["/", "/views", "/login", "/logout", "/healthz"];

    /// <summary>The request's bytes and a label for its kind.</summary>
    /// <param name="attackers">Sessions the attacker holds legitimately (cookie and CSRF token), to reach the form handlers' checks.</param>
    public static (string Kind, byte[] Bytes) Create(Random random, int port, string victimCookie, IReadOnlyList<(string Cookie, string Token)> attackers)
    {
        string kind = s_kinds[random.Next(s_kinds.Length)];
        byte[] bytes = kind switch
        {
            "garbage-bytes" => GarbageBytes(random),
            "garbage-cookie" => Get(random, port, $"Cookie: {Printable(random, random.Next(0, 300))}"),
            "huge-cookie" => Get(random, port, $"Cookie: sess={Tampered(random, victimCookie)}; {new string('a', Pick(random, 4096, 16_384, 65_536, 262_144))}={Printable(random, 10)}"),
            "duplicate-cookies" => Get(random, port, [.. Enumerable.Range(0, random.Next(2, 6)).Select(_ => $"Cookie: {CookiePairs(random, victimCookie)}")]),
            "non-ascii-cookie" => Get(random, port, $"Cookie: sess={NonAscii(random)}{Tampered(random, victimCookie)}{NonAscii(random)}"),
            "forged-signature" => Get(random, port, $"Cookie: sess={victimCookie[..65]}{Base64Url(random, 43)}"),
            "tampered-cookie" => Get(random, port, $"Cookie: sess={Tampered(random, victimCookie)}"),
            "truncated-cookie" => Get(random, port, $"Cookie: sess={victimCookie[..random.Next(0, victimCookie.Length)]}"),
            "empty-form" => Post(random, port, victimCookie, "application/x-www-form-urlencoded", []),
            "oversized-form" => Post(random, port, victimCookie, "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes($"user={new string('u', Pick(random, 16_385, 40_000, 300_000))}&_csrf={Base64Url(random, 43)}")),
            "chunked-form" => ChunkedPost(random, port, victimCookie),
            "bad-form" => Post(random, port, victimCookie, Pick(random, "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json", "text/plain"), FormGarbage(random)),
            "odd-request-line" => OddRequestLine(random, port, victimCookie),
            "attacker-form" => AttackerRequest(random, port, attackers[random.Next(attackers.Count)]),
            _ => OddHeaders(random, port, victimCookie),
        };
        return (kind, bytes);
    }

    /// <summary>A changed copy of a cookie value: one character replaced, dropped, added, or the case of a letter flipped.</summary>
    public static string Tampered(Random random, string value)
    {
        while (true)
        {
            var chars = value.ToCharArray().ToList();
            int at = random.Next(chars.Count);
            switch (random.Next(5))
            {
                case 0:
                    chars[at] = Base64UrlAlphabet[random.Next(Base64UrlAlphabet.Length)];
                    break;
                case 1:
                    chars.RemoveAt(at);
                    break;
                case 2:
                    chars.Insert(at, Base64UrlAlphabet[random.Next(Base64UrlAlphabet.Length)]);
                    break;
                case 3:
                    chars[at] = char.IsUpper(chars[at]) ? char.ToLowerInvariant(chars[at]) : char.ToUpperInvariant(chars[at]);
                    break;
                default:
                    // the last base64url character of a 32-byte value carries two unused bits: change only those
                    chars[^1] = Base64UrlAlphabet[Base64UrlAlphabet.IndexOf(chars[^1], StringComparison.Ordinal) ^ random.Next(1, 4)];
                    break;
            }
            string tampered = new([.. chars]);
            // a character added at the start leaves the real value inside the new one: never send that either
            if (!tampered.Contains(value, StringComparison.Ordinal))
            {
                return tampered;
            }
        }
    }

    private static byte[] GarbageBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 4096)];
        random.NextBytes(bytes);
        if (random.Next(2) == 0)
        {
            // a plausible start, so the garbage reaches the header parser rather than the request line
            byte[] start = Encoding.ASCII.GetBytes($"{Pick(random, "GET", "POST")} {Pick(random, s_routes)} HTTP/1.1\r\n");
            bytes = [.. start, .. bytes, .. "\r\n\r\n"u8];
        }
        return bytes;
    }

    private static byte[] Get(Random random, int port, params string[] headers) =>
        Request(random, port, Pick(random, "GET", "GET", "POST"), Pick(random, s_routes), headers, body: null);

    private static byte[] Post(Random random, int port, string victimCookie, string contentType, byte[] body)
    {
        var headers = new List<string> { $"Content-Type: {contentType}" };
        if (random.Next(3) > 0)
        {
            headers.Add($"Cookie: {CookiePairs(random, victimCookie)}");
        }
        return Request(random, port, "POST", Pick(random, "/login", "/logout"), [.. headers], body);
    }

    private static byte[] ChunkedPost(Random random, int port, string victimCookie)
    {
        var body = new StringBuilder();
        int chunks = random.Next(1, 12);
        for (int i = 0; i < chunks; i++)
        {
            int size = Pick(random, 1, 100, 8192);
            body.Append($"{size:x}\r\n").Append('u', size).Append("\r\n");
        }
        // sometimes the body stops before its last chunk: the client gave up
        if (random.Next(4) > 0)
        {
            body.Append("0\r\n\r\n");
        }
        string head = $"POST {Pick(random, "/login", "/logout")} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
            + $"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nCookie: {CookiePairs(random, victimCookie)}\r\n\r\n";
        return Encoding.ASCII.GetBytes(head + body);
    }

    // the attacker's own valid session and token, with hostile user names: past the CSRF check into login and logout
    private static byte[] AttackerRequest(Random random, int port, (string Cookie, string Token) attacker)
    {
        string cookie = $"Cookie: sess={attacker.Cookie}";
        if (random.Next(4) == 0)
        {
            // the home page shows the flash message, which carries the user name
            return Request(random, port, "GET", "/", [cookie], body: null);
        }
        string user = random.Next(10) switch
        {
            0 => "",
            1 => "   ",
            2 => new string('a', 64),
            3 => new string('a', 65),
            4 => string.Concat(Enumerable.Repeat("\ud83c\udf6a", 32)),
            5 => "\r\nSet-Cookie: sess=x\r\n",
            6 => "<script>alert(1)</script>\"'&",
            7 => "\0\u0001\u007f\ufffe\ud800",
            8 => NonAscii(random),
            _ => Printable(random, random.Next(1, 100)),
        };
        string body = $"_csrf={Uri.EscapeDataString(attacker.Token)}&user={Escape(user)}";
        if (random.Next(3) == 0)
        {
            body = $"user={Escape(user)}&_csrf={Base64Url(random, 43)}&_csrf={Uri.EscapeDataString(attacker.Token)}";
        }
        return Request(random, port, "POST", Pick(random, "/login", "/login", "/logout"),
            [cookie, "Content-Type: application/x-www-form-urlencoded"], Encoding.ASCII.GetBytes(body));
    }

    // percent-encodes rune by rune; a lone surrogate becomes U+FFFD, as a browser would send it
    private static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            escaped.Append(Uri.EscapeDataString(rune.ToString()));
        }
        return escaped.ToString();
    }

    private static byte[] OddRequestLine(Random random, int port, string victimCookie)
    {
        string method = Pick(random, "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "FOO", "get", "G\u00e9T", "");
        string path = random.Next(8) switch
        {
            0 => "/" + Printable(random, random.Next(0, 200)).Replace(' ', '_'),
            1 => "/%00views",
            2 => "/%zz%",
            3 => "//views",
            4 => $"/views?{Printable(random, 50).Replace(' ', '&')}",
            5 => "/" + new string('a', Pick(random, 2048, 20_000)),
            6 => "*",
            _ => $"http://127.0.0.1:{port}{Pick(random, s_routes)}",
        };
        string version = Pick(random, "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "", "HTTP/0.9");
        string head = $"{method} {path} {version}\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nCookie: sess={Tampered(random, victimCookie)}\r\n\r\n";
        return Encoding.Latin1.GetBytes(head);
    }

    private static byte[] OddHeaders(Random random, int port, string victimCookie)
    {
        var head = new StringBuilder($"{Pick(random, "GET", "POST")} {Pick(random, s_routes)} HTTP/1.1\r\n");
        if (random.Next(4) > 0)
        {
            head.Append($"Host: {Pick(random, $"127.0.0.1:{port}", "", "evil.example", "127.0.0.1:1")}\r\n");
        }
        head.Append("Connection: close\r\n");
        int count = Pick(random, 1, 10, 500);
        for (int i = 0; i < count; i++)
        {
            head.Append(random.Next(6) switch
            {
                0 => $"X-{i}: {Printable(random, 20)}\r\n",
                1 => "no colon here\r\n",
                2 => $": empty name\r\n",
                3 => $"Content-Length: {Pick(random, "-1", "abc", "0", "99999999999999999999")}\r\n",
                4 => $"Cookie:\r\n",
                _ => $"Cookie: sess={Tampered(random, victimCookie)}\r\n",
            });
        }
        head.Append("\r\n");
        return Encoding.Latin1.GetBytes(head.ToString());
    }

    private static byte[] Request(Random random, int port, string method, string path, string[] headers, byte[]? body)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        foreach (string header in headers)
        {
            head.Append(header).Append("\r\n");
        }
        if (body is not null || method == "POST")
        {
            // mostly the true length; sometimes less than what follows (the rest is junk after the request)
            int length = body is null ? 0 : random.Next(5) == 0 ? random.Next(0, body.Length + 1) : body.Length;
            head.Append($"Content-Length: {length}\r\n");
        }
        head.Append("\r\n");
        // UTF-8 for the non-ASCII cookies sometimes, raw Latin-1 bytes otherwise
        var encoding = random.Next(2) == 0 ? Encoding.UTF8 : Encoding.Latin1;
        return [.. encoding.GetBytes(head.ToString()), .. body ?? []];
    }

    private static string CookiePairs(Random random, string victimCookie)
    {
        var pairs = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(6) switch
        {
            0 => $"sess={Tampered(random, victimCookie)}",
            1 => $"sess=\"{Tampered(random, victimCookie)}\"",
            2 => $"sess={Base64Url(random, 64)}.{Base64Url(random, 43)}",
            3 => "sess=",
            4 => $"{Printable(random, 8).Replace('=', '_')}={Printable(random, 30)}",
            _ => $"sess={victimCookie[..random.Next(0, victimCookie.Length)]}",
        });
        return string.Join(Pick(random, "; ", ";", ", ", " ;  "), pairs);
    }

    private static byte[] FormGarbage(Random random) => random.Next(4) switch
    {
        0 => Encoding.ASCII.GetBytes($"_csrf={Base64Url(random, 43)}&user={Printable(random, 40)}"),
        1 => Encoding.ASCII.GetBytes("%zz=%&&==&_csrf=%00&user=%FF%FE"),
        2 => Encoding.UTF8.GetBytes($"user={NonAscii(random)}&_csrf={NonAscii(random)}"),
        _ => RandomBytes(random, random.Next(1, 2000)),
    };

    private static string NonAscii(Random random) => random.Next(4) switch
    {
        0 => "\u00e9\u00e8\u00ff",
        1 => "\u65e5\u672c\u8a9e",
        2 => "\ud83c\udf6a",
        _ => new string([.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => (char)random.Next(0x80, 0x100))]),
    };

    private static string Printable(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0x20, 0x7F))]);

    private static string Base64Url(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => Base64UrlAlphabet[random.Next(Base64UrlAlphabet.Length)])]);

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];
}
