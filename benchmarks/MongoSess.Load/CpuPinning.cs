using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace MongoSessions.Load;

/// <summary>
/// --pin: the server on CPU 0 (started under taskset, see <see cref="ServerChild"/>) and this process (the generator,
/// and the wire server when there is one) on CPU 1, so that they do not take each other's CPU; Linux only.
/// </summary>
internal static class CpuPinning
{
    /// <exception cref="InvalidOperationException">Not Linux, fewer than 2 CPUs, or taskset is missing or failed.</exception>
    public static void PinThisProcessToCpu1()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new InvalidOperationException("--pin needs Linux (taskset)");
        }
        if (Environment.ProcessorCount < 2)
        {
            throw new InvalidOperationException($"--pin needs 2 CPUs, this process may use {Environment.ProcessorCount}");
        }
        // sched_setaffinity on a pid (what Process.ProcessorAffinity does on Linux) moves only the main thread;
        // taskset -a moves every thread there is, and threads started later inherit their creator's affinity
        var start = new ProcessStartInfo("taskset", ["-a", "-p", "-c", "1", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        try
        {
            using var taskset = Process.Start(start)!;
            taskset.StandardOutput.ReadToEnd();
            taskset.WaitForExit();
            if (taskset.ExitCode != 0)
            {
                throw new InvalidOperationException($"taskset -a -p -c 1 failed with exit code {taskset.ExitCode}");
            }
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException("--pin needs taskset on PATH (Debian: apt-get install util-linux)");
        }
    }

    /// <summary>"CPU 0 (all 23 threads)", from each thread's Cpus_allowed_list in /proc, to show what the pinning did.</summary>
    public static string Describe(int processId)
    {
        try
        {
            var lists = System.IO.Directory.GetDirectories($"/proc/{processId}/task")
                .Select(task => File.ReadLines(Path.Combine(task, "status")).FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)))
                .Where(line => line is not null)
                .Select(line => line!["Cpus_allowed_list:".Length..].Trim())
                .GroupBy(list => list)
                .Select(g => $"CPU {g.Key} ({g.Count()} threads)")
                .ToList();
            return string.Join(", ", lists);
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
