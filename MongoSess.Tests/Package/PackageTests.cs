using System.IO.Compression;
using System.Net;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Package;

/// <summary>
/// Packs MongoSess as <c>./build.sh pack</c> does and checks what a user gets: the package's metadata and files, the
/// symbols, and a new project that installs it from a folder and keeps a session.
/// </summary>
[NonParallelizable]
public sealed class PackageTests
{
    // SourceLink and embedded source blobs in a portable PDB (Portable PDB spec, "CustomDebugInformation")
    private static readonly Guid s_sourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid s_embeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    private LocalPackage _package = null!;

    [OneTimeSetUp]
    public async Task PackAsync()
    {
        var (dotnet, reason) = DotnetCli.Locate();
        if (dotnet is null)
        {
            Assert.Ignore($"Package tests skipped: {reason}. Install the .NET SDK to pack and consume MongoSess.");
        }
        _package = await LocalPackage.PackAsync(dotnet);
    }

    [OneTimeTearDown]
    public void DeleteTemporaryFiles() => _package?.Delete();

    [Test]
    public void Package_describes_itself_and_carries_the_readme_and_xml_docs()
    {
        using var zip = ZipFile.OpenRead(_package.PackagePath);
        var nuspec = ReadNuspec(zip);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        string Field(string name) => metadata.Element(ns + name)?.Value ?? "";

        Assert.Multiple(() =>
        {
            Assert.That(Field("id"), Is.EqualTo("MongoSess"));
            Assert.That(Field("version"), Is.EqualTo(_package.Version));
            Assert.That(Field("authors"), Is.Not.Empty);
            Assert.That(Field("description"), Does.Contain("HttpListener"));
            Assert.That(Field("tags").Split(' '), Does.Contain("session").And.Contain("mongodb").And.Contain("httplistener"));
            Assert.That(metadata.Element(ns + "license")?.Attribute("type")?.Value, Is.EqualTo("expression"));
            Assert.That(Field("license"), Is.EqualTo("MIT"));
            Assert.That(Field("projectUrl"), Is.EqualTo("https://github.com/mongosess/mongosess"));
            var repository = metadata.Element(ns + "repository");
            Assert.That(repository?.Attribute("type")?.Value, Is.EqualTo("git"));
            Assert.That(repository?.Attribute("url")?.Value, Is.EqualTo("https://github.com/mongosess/mongosess"));
            if (IsGitCheckout)
            {
                Assert.That(repository?.Attribute("commit")?.Value, Does.Match("^[0-9a-f]{40}$"), "the commit the package was built from");
            }
            Assert.That(Field("readme"), Is.EqualTo("PACKAGE.md"));
            Assert.That(metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")?.Value),
                Is.EquivalentTo(new[] { "Microsoft.Extensions.Logging.Abstractions", "MongoDB.Driver" }), "the only dependencies: logging and the official MongoDB driver");
            Assert.That(zip.Entries.Select(e => e.FullName),
                Is.SupersetOf(new[] { "PACKAGE.md", "lib/net10.0/MongoSess.dll", "lib/net10.0/MongoSess.xml" }));
        });

        string readme = ReadText(zip, "PACKAGE.md");
        Assert.That(readme, Does.Contain("dotnet add package MongoSess").And.Contain("new MongoSess("));
        Assert.That(readme, Does.Not.Match(@"\]\((?!https?://)[^)#]*\)"), "links in the package README must be absolute: nuget.org has no repository to resolve them against");

        var docs = XDocument.Parse(ReadText(zip, "lib/net10.0/MongoSess.xml"));
        var documented = docs.Descendants("member").Select(m => m.Attribute("name")!.Value).ToHashSet();
        Assert.That(documented, Does.Contain("T:MongoSessions.MongoSess").And.Contain("T:MongoSessions.ISessionStore"));
    }

    [Test]
    public void Symbols_link_to_the_sources_of_the_packed_commit_and_the_build_is_deterministic()
    {
        if (!IsGitCheckout)
        {
            Assert.Ignore($"SourceLink needs the git history, and {RepositoryRoot.Path} is not a git checkout.");
        }
        string commit;
        using (var zip = ZipFile.OpenRead(_package.PackagePath))
        {
            var nuspec = ReadNuspec(zip);
            commit = nuspec.Descendants(nuspec.Root!.Name.Namespace + "repository").Single().Attribute("commit")!.Value;
            using var dll = CopyEntry(zip, "lib/net10.0/MongoSess.dll");
            using var pe = new PEReader(dll);
            Assert.That(pe.ReadDebugDirectory().Select(e => e.Type), Does.Contain(DebugDirectoryEntryType.Reproducible),
                "a deterministic build marks its assembly reproducible");
        }

        using var symbols = ZipFile.OpenRead(_package.SymbolsPath);
        using var pdb = CopyEntry(symbols, "lib/net10.0/MongoSess.pdb");
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();

        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == s_sourceLinkKind)
            .Select(info => reader.GetBlobBytes(info.Value))
            .ToList();
        Assert.That(sourceLink, Has.Count.EqualTo(1), "the PDB holds one SourceLink map");
        using var map = JsonDocument.Parse(sourceLink[0]);
        var urls = map.RootElement.GetProperty("documents").EnumerateObject().Select(p => p.Value.GetString()).ToList();
        Assert.That(urls, Does.Contain($"https://raw.githubusercontent.com/mongosess/mongosess/{commit}/*"));

        // generated files such as the assembly attributes are in no repository, so their text travels in the PDB
        var embedded = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == s_embeddedSourceKind && info.Parent.Kind == HandleKind.Document)
            .Select(info => reader.GetString(reader.GetDocument((DocumentHandle)info.Parent).Name))
            .ToList();
        Assert.That(embedded, Has.Some.EndsWith("MongoSess.AssemblyInfo.cs"));
    }

    [Test]
    public async Task A_new_project_installs_the_package_from_a_folder_and_keeps_a_session()
    {
        var app = new ConsumerProject(_package);
        await app.BuildAsync();
        Assert.That(Path.Combine(_package.Root, "packages", "mongosess", _package.Version), Does.Exist,
            "restored from the local feed, the only source with this version");

        var output = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int port = FreePort.Next();
        using var process = app.Start(port, output, listening);
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var jar = new CookieContainer();
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = jar })
            {
                BaseAddress = new Uri($"http://localhost:{port}/"),
                Timeout = TimeSpan.FromSeconds(10),
            };

            string first = await browser.GetStringAsync("/");
            var cookie = jar.GetCookies(browser.BaseAddress)["sess"];
            // what a browser asks for beside the page must not count as a visit
            using var icon = await browser.GetAsync("/favicon.ico");
            string second = await browser.GetStringAsync("/");
            using var stranger = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            string other = await stranger.GetStringAsync("/");

            Assert.Multiple(() =>
            {
                Assert.That(first, Is.EqualTo("1"));
                Assert.That(cookie?.HttpOnly, Is.True, "the session cookie, HttpOnly");
                Assert.That(icon.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
                Assert.That(second, Is.EqualTo("2"), "the cookie brought the same session back, and the icon did not count");
                Assert.That(other, Is.EqualTo("1"), "a client without the cookie (on 127.0.0.1) has its own session");
            });
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }
            Assert.Fail($"{e.GetType().Name}: {e.Message}\nprogram output:\n{text}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    // a clone has a .git folder, a worktree a .git file
    private static bool IsGitCheckout => Path.Exists(Path.Combine(RepositoryRoot.Path, ".git"));

    private static XDocument ReadNuspec(ZipArchive zip) => XDocument.Parse(ReadText(zip, "MongoSess.nuspec"));

    private static string ReadText(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.That(entry, Is.Not.Null, $"{name} in the package");
        using var reader = new StreamReader(entry!.Open());
        return reader.ReadToEnd();
    }

    // PEReader and the PDB reader need a seekable stream; zip entries are not
    private static MemoryStream CopyEntry(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.That(entry, Is.Not.Null, $"{name} in the package");
        var copy = new MemoryStream();
        using (var stream = entry!.Open())
        {
            stream.CopyTo(copy);
        }
        copy.Position = 0;
        return copy;
    }
}
