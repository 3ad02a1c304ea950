using System.Text;
using MongoSessions.Tests.Package;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Readme;

/// <summary>The README's examples compile and run as written.</summary>
[TestFixture]
public sealed class ReadmeTests
{
    private static string Readme => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

    // the code block that follows a heading, without its fences
    private static string BlockAfter(string text, string heading)
    {
        int at = text.IndexOf(heading, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"the README has '{heading}'");
        int open = text.IndexOf("```csharp\n", at, StringComparison.Ordinal) + "```csharp\n".Length;
        int close = text.IndexOf("```", open, StringComparison.Ordinal);
        return text[open..close].TrimEnd('\n');
    }

    private static string Unindented(string region)
    {
        var lines = region.Split('\n').Select(line => line.Length >= 8 && line[..8].Trim().Length == 0 ? line[8..] : line.TrimStart());
        return string.Join('\n', lines).Trim('\n');
    }

    [Test]
    public void The_quick_start_is_examples_Minimal_as_shipped()
    {
        var program = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", "Minimal", "Program.cs")).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.That(BlockAfter(Readme, "## Quick start"), Is.EqualTo(program.TrimEnd('\n')));
    }

    [Test]
    public void The_per_request_example_is_the_code_this_test_project_compiles()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "MongoSess.Tests", "Readme", "ReadmeExamples.cs")).Replace("\r\n", "\n", StringComparison.Ordinal);
        const string Begin = "// README begin: per request\n";
        int start = source.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        int end = source.IndexOf("        // README end", start, StringComparison.Ordinal);
        Assert.That(Unindented(source[start..end]), Is.EqualTo(BlockAfter(Readme, "### Per request")));
    }

    [Test]
    public async Task The_per_request_example_runs_without_an_error()
    {
        await MongoSess.CloseAsync();
        await MongoSess.ConnectAsync(new MemorySessionStore(), new MongoSessOptions
        {
            Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) },
        });
        try
        {
            await using var server = TestHttpServer.Start(async ctx =>
            {
                var text = await ReadmeExamples.PerRequestAsync(ctx);
                await ctx.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(text));
            });
            using var browser = server.CreateBrowser();
            using var response = await browser.GetAsync("/");
            var body = await response.Content.ReadAsStringAsync();

            Assert.That(server.Errors, Is.Empty, body);
            Assert.That(body, Is.EqualTo("ann Cart { Sku = A-1, Qty = 2 } 4 1 1 True - 0"), "the session had ended before the count");
            Assert.That(await MongoSess.CountAsync(), Is.Zero, "the example ends its session");
        }
        finally
        {
            await MongoSess.CloseAsync();
        }
    }
}
