using System.Text.Json;
using MongoSessions.Mongo;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Conformance;

/// <summary>
/// The connection string test files of mongodb/specifications (connection-string/tests, uri-options/tests share one
/// format): every *.json in a folder, one case per test, named "file.json: description".
/// </summary>
internal static class UriSpecCases
{
    public static IEnumerable<TestCaseData> Cases(string relativeFolder)
    {
        if (!SpecTests.IsConfigured)
        {
            yield return new TestCaseData("{}").SetName(relativeFolder).Ignore(SpecTests.NotConfiguredMessage(relativeFolder));
            yield break;
        }
        var files = Directory.GetFiles(SpecTests.Folder(relativeFolder), "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in files)
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            foreach (var test in json.RootElement.GetProperty("tests").EnumerateArray())
            {
                string name = $"{Path.GetFileName(path)}: {test.GetProperty("description").GetString()!.Trim()}";
                string unique = name;
                for (int n = 2; !names.Add(unique); n++)
                {
                    unique = $"{name} #{n}";
                }
                yield return new TestCaseData(test.GetRawText()).SetName(unique);
            }
        }
    }

    /// <summary>
    /// Why a case cannot apply to MongoSess, or null: it uses an option MongoSess deliberately leaves out
    /// (<see cref="UriOptionNames.Unsupported"/>, listed in README) or an authentication mechanism it does not implement.
    /// An invalid case still runs when its unsupported options are ones whose conflict rules MongoSess enforces.
    /// </summary>
    public static string? UnsupportedReason(string uri, bool valid)
    {
        int question = uri.IndexOf('?');
        if (question < 0)
        {
            return null;
        }
        foreach (string pair in uri[(question + 1)..].Split('&'))
        {
            int equals = pair.IndexOf('=');
            string key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            string value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (UriOptionNames.Unsupported.TryGetValue(key, out var option) && (valid || !UriOptionNames.UnsupportedButValidated.Contains(key)))
            {
                return $"option {option} is not supported by MongoSess (see README)";
            }
            if (key.Equals("authMechanism", StringComparison.OrdinalIgnoreCase) && UriOptionNames.UnsupportedAuthMechanisms.Contains(value))
            {
                return $"authMechanism={value} is not supported by MongoSess (see README)";
            }
        }
        return null;
    }
}
