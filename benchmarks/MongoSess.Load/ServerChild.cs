using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MongoSessions.Load;

/// <summary>
/// The server under load (the demo, MinimalSession or the Node app) as a child process on a free loopback port, started
/// under <c>taskset -c 0</c> when pinned; killed when disposed or when this process exits.
/// </summary>
internal sealed class ServerChild : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _sinceStart = new();

    private ServerChild(int port, ServerCommand command, bool pinToCpu0)
    {
        Port = port;
        // taskset execs the server, so the process (its pid and CPU time) is the server's, and every thread it
        // starts inherits the affinity
        var start = new ProcessStartInfo(pinToCpu0 ? "taskset" : command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory,
        };
        if (pinToCpu0)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("0");
            start.ArgumentList.Add(command.FileName);
        }
        foreach (var arg in command.Arguments)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("MONGOSESS_KEYS");
        foreach (var (name, value) in command.Environment)
        {
            start.Environment[name] = value;
        }
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, line) => OnLine(line.Data);
        _process.ErrorDataReceived += (_, line) => OnLine(line.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"the server exited early:\n{Output}"));
        _sinceStart.Start();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>From starting the process to its "listening on" line: runtime start, JIT, and connecting the store.</summary>
    public TimeSpan TimeToListening { get; private set; }

    /// <summary>Time since the process was started.</summary>
    public TimeSpan SinceStart => _sinceStart.Elapsed;

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>The CPU time the server has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts the server on <paramref name="port"/> and waits for its "listening on" line.</summary>
    public static async Task<ServerChild> StartAsync(int port, ServerCommand command, bool pinToCpu0)
    {
        var server = new ServerChild(port, command, pinToCpu0);
        try
        {
            await server._listening.Task.WaitAsync(s_startTimeout);
            return server;
        }
        catch (TimeoutException)
        {
            server.Dispose();
            throw new TimeoutException($"the server did not say it was listening within {s_startTimeout.TotalSeconds:0} s; its output:\n{server.Output}");
        }
        catch
        {
            server.Dispose();
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

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
