using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MongoSessions.Load;

/// <summary>The demo server as a child process on a free loopback port; killed when disposed or when this process exits.</summary>
internal sealed class DemoChild : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _sinceStart = new();

    private DemoChild(int port, IEnumerable<string> args)
    {
        Port = port;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DemoServer.dll"));
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("MONGOSESS_KEYS");
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, line) => OnLine(line.Data);
        _process.ErrorDataReceived += (_, line) => OnLine(line.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"the demo exited early:\n{Output}"));
        _sinceStart.Start();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public int Port { get; }

    /// <summary>From starting the process to its "listening on" line: runtime start, JIT, and connecting the store.</summary>
    public TimeSpan TimeToListening { get; private set; }

    /// <summary>Time since the process was started.</summary>
    public TimeSpan SinceStart => _sinceStart.Elapsed;

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>The CPU time the demo has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<DemoChild> StartAsync(IEnumerable<string> args)
    {
        var demo = new DemoChild(FreePort(), args);
        try
        {
            await demo._listening.Task.WaitAsync(s_startTimeout);
            return demo;
        }
        catch
        {
            demo.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // it already exited
        }
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
        if (line.Contains("listening on", StringComparison.Ordinal))
        {
            TimeToListening = _sinceStart.Elapsed;
            _listening.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
