using System.Diagnostics;
using System.Net;
using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>The demo server running as a child process, as a user starts it.</summary>
internal sealed class DemoProcess : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DemoProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DemoServer.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // the developer's own keys must not leak into a test that expects the kept secret
        start.Environment.Remove("MONGOSESS_KEYS");
        start.Environment.Remove("MONGOSESS_ENCRYPTION_KEYS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, line) => OnLine(line.Data);
        _process.ErrorDataReceived += (_, line) => OnLine(line.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"the demo exited early:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The base URL the demo printed, such as <c>http://localhost:5123/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    public int Port => Url.Port;

    /// <summary>Everything the demo wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>Starts the demo and waits until it says it is listening.</summary>
    public static async Task<DemoProcess> StartAsync(params string[] args) => await StartAsync(args, environment: null);

    public static async Task<DemoProcess> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var demo = new DemoProcess(args, environment);
        try
        {
            string url = await demo._listening.Task.WaitAsync(StartTimeout);
            demo.Url = new Uri(url);
            return demo;
        }
        catch (TimeoutException)
        {
            demo.Dispose();
            throw new TimeoutException($"the demo did not start within {StartTimeout.TotalSeconds} s:\n{demo.Output}");
        }
        catch
        {
            demo.Dispose();
            throw;
        }
    }

    /// <summary>Runs the demo to completion, for arguments that make it exit by itself.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args) => RunToExitAsync(args, environment: null);

    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        using var demo = new DemoProcess(args, environment);
        int exitCode = await demo.WaitForExitAsync();
        return (exitCode, demo.Output);
    }

    /// <summary>A client with its own cookie jar, as one browser; it does not follow redirects.</summary>
    public HttpClient CreateClient(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = Url,
            Timeout = TimeSpan.FromSeconds(10),
        };

    /// <summary>Sends SIGTERM, as a service manager or <c>docker stop</c> does (on Windows, which has no SIGTERM, kills).</summary>
    public async Task TerminateAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            _process.Kill();
            return;
        }
        // kill is a builtin of every POSIX shell, so this needs no interop and no procps
        using var kill = Process.Start("/bin/sh", ["-c", $"kill -TERM {_process.Id}"]);
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.Zero, "kill -TERM failed");
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(ExitTimeout);
    }

    public async Task<int> WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(ExitTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the demo did not exit within {ExitTimeout.TotalSeconds} s:\n{Output}");
        }
        // the parameterless wait also drains the redirected output
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(ExitTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // it never started or already exited
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        const string Marker = "listening on ";
        int at = line.IndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            string url = line[(at + Marker.Length)..].Split(' ')[0];
            _listening.TrySetResult(url);
        }
    }
}
