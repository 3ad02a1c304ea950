namespace MongoSessions.Tests.Support;

/// <summary>Debian's Chromium and ChromeDriver, at the paths their packages install them to.</summary>
internal static class ChromiumInstallation
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    /// <summary>Why the browser tests cannot run here, or null when both programs are installed.</summary>
    public static string? MissingReason()
    {
        string[] missing = [.. new[] { BrowserPath, DriverPath }.Where(path => !File.Exists(path))];
        if (missing.Length == 0)
        {
            return null;
        }
        return $"browser tests skipped: {string.Join(" and ", missing)} not found. "
            + "Install Debian's packages with `sudo apt-get install chromium chromium-driver` "
            + "(.ci/run does this itself when it runs as root or with passwordless sudo).";
    }
}
