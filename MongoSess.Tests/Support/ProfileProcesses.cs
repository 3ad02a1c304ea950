using System.ComponentModel;
using System.Diagnostics;

namespace MongoSessions.Tests.Support;

/// <summary>Finds the browser processes of one profile by the unique user-data-dir on their command line.</summary>
internal static class ProfileProcesses
{
    // a browser that hangs at startup outlives the driver that started it (killing chromedriver does not take it
    // along), so after a failed start or quit we end whatever still runs on our profile, and nothing else
    public static void Kill(string profileDirectory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        string marker = $"--user-data-dir={profileDirectory}";
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid) || !RunsOn(entry, marker))
            {
                continue;
            }
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
            {
                // it exited meanwhile, or is not ours to end
            }
        }
    }

    private static bool RunsOn(string procEntry, string marker)
    {
        try
        {
            // arguments are NUL-separated; a launcher that renamed itself may have them space-separated in one
            string commandLine = File.ReadAllText(Path.Combine(procEntry, "cmdline"));
            return commandLine.Split(['\0', ' ']).Contains(marker);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
