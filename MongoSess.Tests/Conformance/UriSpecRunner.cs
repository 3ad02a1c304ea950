using System.Net;
using System.Text.Json;
using MongoSessions.Mongo;

namespace MongoSessions.Tests.Conformance;

/// <summary>
/// Runs one test of the connection-string / uri-options format: valid, warning, hosts, auth and options (keys compared
/// case-insensitively, values by their JSON type). Each string is also parsed with a distinctive password, which must
/// appear in no message, warning or ToString.
/// </summary>
internal static class UriSpecRunner
{
    public const string Password = "MongoSessPw-9f3c1e7b";

    public static void Run(string testJson)
    {
        using var json = JsonDocument.Parse(testJson);
        var test = json.RootElement;
        string uri = test.GetProperty("uri").GetString()!;
        bool valid = test.GetProperty("valid").GetBoolean();
        if (UriSpecCases.UnsupportedReason(uri, valid) is { } reason)
        {
            Assert.Ignore(reason);
        }
        if (!valid)
        {
            var error = Assert.Throws<MongoSessConfigurationException>(() => ConnectionString.Parse(uri), "the string is invalid");
            if (OwnPassword(uri) is { } own)
            {
                // rewriting existing user information could change why the string is invalid: check its own password
                Assert.That(error!.Message, Does.Not.Contain(own));
                return;
            }
            var withPassword = Assert.Throws<MongoSessConfigurationException>(() => ConnectionString.Parse(WithPassword(uri)));
            Assert.That(withPassword!.Message, Does.Not.Contain(Password));
            return;
        }
        var parsed = ConnectionString.Parse(uri);
        using (Assert.EnterMultipleScope())
        {
            bool warning = test.TryGetProperty("warning", out var w) && w.ValueKind == JsonValueKind.True;
            Assert.That(parsed.Warnings, warning ? Is.Not.Empty : Is.Empty, "warnings");
            if (test.TryGetProperty("hosts", out var hosts) && hosts.ValueKind == JsonValueKind.Array)
            {
                CheckHosts(parsed, hosts);
            }
            if (test.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.Object)
            {
                Assert.That(parsed.Username, Is.EqualTo(auth.GetProperty("username").GetString()), "username");
                Assert.That(parsed.Password, Is.EqualTo(auth.GetProperty("password").GetString()), "password");
                Assert.That(parsed.Database, Is.EqualTo(auth.GetProperty("db").GetString()), "db");
            }
            if (test.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object)
            {
                foreach (var option in options.EnumerateObject())
                {
                    UriSpecOptions.Check(parsed.Options, option.Name, option.Value);
                }
            }
            var secret = ConnectionString.Parse(WithPassword(uri));
            Assert.That(secret.Warnings, Has.None.Contains(Password), "warnings with a password");
            Assert.That(secret.ToString(), Does.Not.Contain(Password).And.Contain(":*****@"), "ToString with a password");
        }
    }

    private static void CheckHosts(ConnectionString parsed, JsonElement expected)
    {
        Assert.That(parsed.Hosts, Has.Count.EqualTo(expected.GetArrayLength()), "host count");
        int i = 0;
        foreach (var host in expected.EnumerateArray().Take(parsed.Hosts.Count))
        {
            var actual = parsed.Hosts[i++];
            string type = host.GetProperty("type").GetString()!;
            Assert.That(TypeOf(actual), Is.EqualTo(type), $"type of host {i}");
            Assert.That(actual.Host, Is.EqualTo(host.GetProperty("host").GetString()), $"host {i}");
            var port = host.GetProperty("port");
            int expectedPort = port.ValueKind == JsonValueKind.Number ? port.GetInt32()
                : type == "unix" ? HostListParser.UnixSocketPort : MongoEndPoint.DefaultPort;
            Assert.That(actual.Port, Is.EqualTo(expectedPort), $"port of host {i}");
        }
    }

    private static string TypeOf(MongoEndPoint host)
    {
        if (ConnectionString.IsUnixSocketHost(host))
        {
            return "unix";
        }
        if (host.Host.Contains(':'))
        {
            return "ip_literal";
        }
        bool dotted = host.Host.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
        return dotted && IPAddress.TryParse(host.Host, out _) ? "ipv4" : "hostname";
    }

    private static string? OwnPassword(string uri)
    {
        int start = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        int end = uri.IndexOfAny(['/', '?'], Math.Max(start, 0));
        string authority = start < 3 ? "" : end < 0 ? uri[start..] : uri[start..end];
        int at = authority.LastIndexOf('@');
        int colon = authority.IndexOf(':');
        return at < 0 ? null : colon >= 0 && colon < at && at - colon > 3 ? authority[(colon + 1)..at] : "";
    }

    // a user "mongosess" with the distinctive password, unless the string already has user information
    private static string WithPassword(string uri)
    {
        int start = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        if (start < 3)
        {
            return uri;
        }
        int end = uri.IndexOfAny(['/', '?'], start);
        string authority = end < 0 ? uri[start..] : uri[start..end];
        int at = authority.LastIndexOf('@');
        if (at < 0)
        {
            return uri.Insert(start, $"mongosess:{Password}@");
        }
        int colon = authority.IndexOf(':');
        string user = colon >= 0 && colon < at ? authority[..colon] : authority[..at];
        return uri[..start] + user + ":" + Password + uri[(start + at)..];
    }
}
