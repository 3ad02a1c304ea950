using System.Text.Json;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Conformance;

/// <summary>Reads every file of the BSON corpus (source/bson-corpus/tests/*.json in mongodb/specifications).</summary>
internal static class BsonCorpus
{
    public const string RelativeFolder = "bson-corpus/tests";

    /// <summary>
    /// One <see cref="TestCaseData"/> per entry of <paramref name="section"/> ("valid", "decodeErrors") in every file,
    /// named "file.json: label: description" (or "file.json: description" without a label); a single ignored case when
    /// the specification folder is not configured. <paramref name="arguments"/> returns null to leave a case out.
    /// </summary>
    public static IEnumerable<TestCaseData> Cases(string section, string? label, Func<JsonElement, JsonElement, object?[]?> arguments, int arity)
    {
        if (!SpecTests.IsConfigured)
        {
            yield return new TestCaseData(new object?[arity]).SetName($"bson-corpus {label ?? section}").Ignore(SpecTests.NotConfiguredMessage(RelativeFolder));
            yield break;
        }
        var files = Directory.GetFiles(SpecTests.Folder(RelativeFolder), "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in files)
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var file = json.RootElement;
            if (!file.TryGetProperty(section, out var cases))
            {
                continue;
            }
            string fileName = Path.GetFileName(path);
            foreach (var testCase in cases.EnumerateArray())
            {
                var args = arguments(file, testCase);
                if (args is null)
                {
                    continue;
                }
                string name = $"{fileName}: {(label is null ? "" : label + ": ")}{testCase.GetProperty("description").GetString()!.Trim()}";
                string unique = name;
                for (int n = 2; !names.Add(unique); n++)
                {
                    unique = $"{name} #{n}";
                }
                yield return new TestCaseData(args).SetName(unique);
            }
        }
    }

    public static string? OptionalString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetString() : null;
}
