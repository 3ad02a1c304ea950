using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>A line diff for test failure messages: the removed and added lines, each under the type it belongs to.</summary>
internal static class LineDiff
{
    public static string Describe(string expected, string actual)
    {
        string[] before = Lines(expected);
        string[] after = Lines(actual);
        var text = new StringBuilder();
        string? lastHeader = null;
        foreach (var (sign, line, header) in Edits(before, after))
        {
            if (header is not null && header != lastHeader && header != line)
            {
                text.Append("  ").Append(header).Append('\n');
                lastHeader = header;
            }
            text.Append(sign).Append(' ').Append(line).Append('\n');
            if (IsHeader(line))
            {
                lastHeader = line;
            }
        }
        return text.ToString();
    }

    private static string[] Lines(string text) =>
        text.ReplaceLineEndings("\n").Split('\n').Where(line => line.Length > 0).ToArray();

    // longest common subsequence; the listings are a few hundred lines, so the quadratic table is small
    private static IEnumerable<(char Sign, string Line, string? Header)> Edits(string[] before, string[] after)
    {
        var common = new int[before.Length + 1, after.Length + 1];
        for (int i = before.Length - 1; i >= 0; i--)
        {
            for (int j = after.Length - 1; j >= 0; j--)
            {
                common[i, j] = before[i] == after[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }
        string? header = null;
        int b = 0, a = 0;
        while (b < before.Length || a < after.Length)
        {
            if (b < before.Length && a < after.Length && before[b] == after[a])
            {
                header = IsHeader(before[b]) ? before[b] : header;
                b++;
                a++;
            }
            else if (a < after.Length && (b == before.Length || common[b, a + 1] >= common[b + 1, a]))
            {
                header = IsHeader(after[a]) ? after[a] : header;
                yield return ('+', after[a++], header);
            }
            else
            {
                header = IsHeader(before[b]) ? before[b] : header;
                yield return ('-', before[b++], header);
            }
        }
    }

    private static bool IsHeader(string line) => !line.StartsWith(' ');
}
