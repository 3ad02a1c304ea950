using MongoSessions.Tests.Demo;
using OpenQA.Selenium;

using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Browser;

/// <summary>The demo server as a person uses it: headless Chromium, real forms, real cookies.</summary>
[TestFixture]
public sealed class DemoInBrowserTests
{
    private const string SessionCookie = "sess";

    private DemoProcess? _demo;
    private HeadlessChromium? _browser;
    private HeadlessChromium? _otherProfile;
    private string? _browserStartFailure;

    private HeadlessChromium Browser => _browser!;

    [OneTimeSetUp]
    public async Task StartDemo()
    {
        if (ChromiumInstallation.MissingReason() is { } reason)
        {
            Assert.Ignore(reason);
        }
        _demo = await DemoProcess.StartAsync("--port", $"{Support.FreePort.Next()}", "--store", "memory");
    }

    [OneTimeTearDown]
    public void StopDemo() => _demo?.Dispose();

    [SetUp]
    public void StartBrowser()
    {
        // a browser that cannot start fails each later test at once, so a broken install costs one timeout, not six
        if (_browserStartFailure is not null)
        {
            Assert.Fail($"Chromium did not start earlier in this fixture: {_browserStartFailure}");
        }
        try
        {
            _browser = HeadlessChromium.Start();
        }
        catch (WebDriverException e)
        {
            _browserStartFailure = e.Message;
            throw;
        }
    }

    [TearDown]
    public void QuitBrowsers()
    {
        _otherProfile?.Dispose();
        _otherProfile = null;
        _browser?.Dispose();
        _browser = null;
    }

    [Test]
    public void The_counter_rises_across_reloads()
    {
        Browser.Open(Url("/views"));
        Assert.That(PageText(), Is.EqualTo("1"));
        Browser.Reload();
        Assert.That(PageText(), Is.EqualTo("2"));
        Browser.Reload();
        Assert.That(PageText(), Is.EqualTo("3"));

        Browser.Open(Url("/"));
        Assert.That(ShownViews(), Is.EqualTo("3"));
        Browser.Reload();
        Assert.That(ShownViews(), Is.EqualTo("3"), "the home page shows the count without counting");
    }

    [Test]
    public void Logging_in_with_the_form_regenerates_the_session_and_flashes_the_welcome_once()
    {
        Browser.Open(Url("/views"));
        Browser.Open(Url("/"));
        string before = SessionId();
        var form = Browser.Driver.FindElement(By.CssSelector("form.login"));
        Assert.That(form.GetDomAttribute("method"), Is.EqualTo("post"));
        Assert.That(form.GetDomAttribute("action"), Is.EqualTo("/login"));
        Assert.That(form.FindElement(By.Name("_csrf")).GetDomProperty("value"), Does.Match("^[A-Za-z0-9_-]{64}$"));

        form.FindElement(By.Name("user")).SendKeys("ann");
        form.FindElement(By.CssSelector("button[type=submit]")).Click();
        Browser.WaitUntil(driver => driver.FindElements(By.Id("user")).Count > 0, "the logged-in page");

        Assert.That(SessionId(), Is.Not.EqualTo(before), "login gives the session a new id");
        Assert.That(Browser.Driver.Url, Is.EqualTo(Url("/").ToString()), "redirected home");
        Assert.That(Browser.Driver.FindElements(By.Id("flash")).Select(e => e.Text).ToArray(), Is.EqualTo(new[] { "Welcome, ann" }));
        Assert.That(Browser.Driver.FindElement(By.Id("user")).Text, Does.StartWith("Logged in as ann, signed in on "));
        Assert.That(ShownViews(), Is.EqualTo("1"), "the visit counted before login moved to the new id");

        Browser.Reload();

        Assert.That(Browser.Driver.FindElements(By.Id("flash")), Is.Empty, "the flash shows once");
        Assert.That(Browser.Driver.FindElement(By.Id("user")).Text, Does.StartWith("Logged in as ann, signed in on "));
    }

    [Test]
    public void Logging_out_ends_the_session()
    {
        LogIn("bob");
        Browser.Open(Url("/views"));
        Browser.Open(Url("/"));
        string loggedIn = SessionId();
        Assert.That(ShownViews(), Is.EqualTo("1"));

        Browser.Driver.FindElement(By.CssSelector("form[action='/logout'] button")).Click();
        Browser.WaitUntil(driver => driver.FindElements(By.CssSelector("form.login")).Count > 0, "the logged-out page");

        Assert.That(Browser.Driver.FindElements(By.Id("user")), Is.Empty);
        Assert.That(ShownViews(), Is.EqualTo("0"), "the ended session's data is gone");
        // the page after logout only looks: it has no session at all (its form's token rides in the CSRF cookie)
        Assert.That(Browser.GetCookie(SessionCookie)?.Value.Split('.')[0], Is.Not.EqualTo(loggedIn), "the ended session's cookie is gone");
        Browser.Open(Url("/views"));
        Assert.That(PageText(), Is.EqualTo("1"));
    }

    [Test]
    public void Scripts_cannot_see_the_session_cookie()
    {
        Browser.Open(Url("/views"));
        var cookie = Browser.GetCookie(SessionCookie);
        Assert.That(cookie, Is.Not.Null, "the browser holds the session cookie");

        // a cookie the page sets itself shows that document.cookie works here, so its silence about ours means something
        object? seen = Browser.RunScript("document.cookie = 'probe=1; path=/'; return document.cookie;");

        Assert.That(seen, Is.EqualTo("probe=1"));
        Assert.That(cookie!.IsHttpOnly, Is.True);
    }

    [Test]
    public void A_second_browser_profile_gets_its_own_session()
    {
        _otherProfile = HeadlessChromium.Start();
        Assert.That(_otherProfile.ProfileDirectory, Is.Not.EqualTo(Browser.ProfileDirectory));
        Browser.Open(Url("/views"));
        Browser.Open(Url("/views"));
        Assert.That(PageText(), Is.EqualTo("2"));

        _otherProfile.Open(Url("/views"));

        Assert.That(_otherProfile.Driver.FindElement(By.TagName("body")).Text, Is.EqualTo("1"));
        Assert.That(SessionId(_otherProfile), Is.Not.EqualTo(SessionId()));
        Browser.Open(Url("/views"));
        Assert.That(PageText(), Is.EqualTo("3"), "the other profile's visit did not count here");
    }

    [Test]
    public void A_screenshot_of_the_demo_page_is_saved()
    {
        LogIn("ann");
        Assert.That(Browser.Driver.FindElement(By.Id("flash")).Displayed, Is.True, "the welcome is in the picture");

        byte[] png = Browser.TakeScreenshot();
        string directory = Directory.CreateDirectory(Path.Combine(TestContext.CurrentContext.WorkDirectory, "browser")).FullName;
        string path = Path.Combine(directory, "demo-home.png");
        File.WriteAllBytes(path, png);
        TestContext.AddTestAttachment(path, "the demo's home page in headless Chromium, just after login");

        // PNG: an 8-byte signature, then the IHDR chunk with the width and height as big-endian integers
        Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        Assert.That(System.Text.Encoding.ASCII.GetString(png, 12, 4), Is.EqualTo("IHDR"));
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), Is.GreaterThan(0), "width");
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), Is.GreaterThan(0), "height");
        Assert.That(new FileInfo(path).Length, Is.EqualTo(png.Length));
    }

    private Uri Url(string path) => new(_demo!.Url, path);

    private string PageText() => Browser.Driver.FindElement(By.TagName("body")).Text;

    private string ShownViews() => Browser.Driver.FindElement(By.Id("views")).Text;

    // the cookie is <id>.<signature>; the id is what regeneration and logout must change
    private string SessionId(HeadlessChromium? browser = null)
    {
        var cookie = (browser ?? Browser).GetCookie(SessionCookie);
        Assert.That(cookie, Is.Not.Null, "no session cookie in the browser");
        return cookie!.Value.Split('.')[0];
    }

    private void LogIn(string user)
    {
        Browser.Open(Url("/"));
        Browser.Driver.FindElement(By.Name("user")).SendKeys(user);
        Browser.Driver.FindElement(By.CssSelector("form.login button[type=submit]")).Click();
        Browser.WaitUntil(driver => driver.FindElements(By.Id("user")).Count > 0, "the logged-in page");
    }
}
