using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace MongoSessions.Tests.Support;

/// <summary>One headless Chromium with a profile of its own (a temporary user-data-dir), driven by ChromeDriver.</summary>
internal sealed class HeadlessChromium : IDisposable
{
    // a browser that hangs at startup on a loaded machine fails the test after this, it does not stall the run
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(15);

    private readonly ChromeDriverService _service;
    private readonly ChromeDriver _driver;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, string profileDirectory)
    {
        _service = service;
        _driver = driver;
        ProfileDirectory = profileDirectory;
    }

    public IWebDriver Driver => _driver;

    /// <summary>The user-data-dir: cookies and everything else this browser keeps.</summary>
    public string ProfileDirectory { get; }

    public static HeadlessChromium Start()
    {
        string profile = Directory.CreateTempSubdirectory("mongosess-chromium-").FullName;
        // naming the driver and the browser keeps Selenium Manager (which downloads both) out of the run
        var service = ChromeDriverService.CreateDefaultService(
            Path.GetDirectoryName(ChromiumInstallation.DriverPath)!, Path.GetFileName(ChromiumInstallation.DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        service.InitializationTimeout = WaitTimeout;
        var options = new ChromeOptions { BinaryLocation = ChromiumInstallation.BrowserPath };
        options.AddArguments(
            "--headless=new",
            // Chromium refuses to start as root with its sandbox; it only ever loads our own demo here
            "--no-sandbox",
            // containers often have a 64 MB /dev/shm, too small for the renderer
            "--disable-dev-shm-usage",
            $"--user-data-dir={profile}",
            "--window-size=1024,768",
            // no update checks, sync or extensions: a quicker start, and no traffic beyond loopback
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--password-store=basic",
            "--no-first-run",
            "--no-default-browser-check");
        try
        {
            var driver = new ChromeDriver(service, options, CommandTimeout);
            var timeouts = driver.Manage().Timeouts();
            timeouts.PageLoad = WaitTimeout;
            timeouts.AsynchronousJavaScript = WaitTimeout;
            return new HeadlessChromium(service, driver, profile);
        }
        catch
        {
            service.Dispose();
            ProfileProcesses.Kill(profile);
            DeleteProfile(profile);
            throw;
        }
    }

    public void Open(Uri url) => _driver.Navigate().GoToUrl(url);

    public void Reload() => _driver.Navigate().Refresh();

    /// <summary>Polls until <paramref name="condition"/> returns true or a non-null value; fails the test after <see cref="WaitTimeout"/>.</summary>
    public T WaitUntil<T>(Func<IWebDriver, T> condition, string waitingFor)
    {
        var wait = new WebDriverWait(_driver, WaitTimeout) { Message = $"waited {WaitTimeout.TotalSeconds} s for {waitingFor}" };
        return wait.Until(condition);
    }

    /// <summary>The value of the cookie <paramref name="name"/>, read through WebDriver (which sees HttpOnly cookies too).</summary>
    public Cookie? GetCookie(string name) => _driver.Manage().Cookies.GetCookieNamed(name);

    public object? RunScript(string script) => _driver.ExecuteScript(script);

    public byte[] TakeScreenshot() => _driver.GetScreenshot().AsByteArray;

    public void Dispose()
    {
        // Dispose sends Quit, which closes the browser; a browser that already died is not an error here
        _driver.Dispose();
        _service.Dispose();
        ProfileProcesses.Kill(ProfileDirectory);
        DeleteProfile(ProfileDirectory);
    }

    private static void DeleteProfile(string profile)
    {
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // never created, or already gone
        }
    }
}
