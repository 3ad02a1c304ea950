namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// Fault injection, like mongod's failCommand fail point: each rule applies to the next N commands with a name.
/// Thread-safe; each firing is counted.
/// </summary>
internal sealed class WireFaults
{
    private readonly object _lock = new();
    private readonly List<WireFault> _faults = [];
    private int _fired;

    /// <summary>How many times a fault has fired.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>Closes the connection instead of running the next <paramref name="times"/> commands (nothing is applied).</summary>
    public void CloseBeforeReply(string command, int times = 1) => Add(new WireFault(WireFaultKind.CloseBeforeExecute, command, times));

    /// <summary>Runs the command, then closes the connection instead of replying: the write is applied, the reply lost.</summary>
    public void CloseAfterExecute(string command, int times = 1) => Add(new WireFault(WireFaultKind.CloseAfterExecute, command, times));

    /// <summary>Fails the next commands with this error without running them, e.g. <c>Fail("insert", 10107)</c>.</summary>
    /// <param name="errorLabels">Exactly these labels; null lets the server add RetryableWriteError as mongod would.</param>
    public void Fail(string command, int code, int times = 1, string? codeName = null, string? message = null, IReadOnlyList<string>? errorLabels = null) =>
        Add(new WireFault(WireFaultKind.Fail, command, times) { Code = code, CodeName = codeName, Message = message, ErrorLabels = errorLabels });

    /// <summary>Runs the next commands and answers with a broken reply, then closes the connection.</summary>
    public void Malform(string command, MalformedReply how, int times = 1) =>
        Add(new WireFault(WireFaultKind.Malformed, command, times) { Malformed = how });

    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    /// <summary>Takes one use of the first armed fault of this kind for the command.</summary>
    internal WireFault? Take(WireFaultKind kind, string command)
    {
        lock (_lock)
        {
            var fault = _faults.Find(f => f.Kind == kind && f.Command == command);
            if (fault is null)
            {
                return null;
            }
            if (--fault.Remaining <= 0)
            {
                _faults.Remove(fault);
            }
            Interlocked.Increment(ref _fired);
            return fault;
        }
    }

    private void Add(WireFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fault.Remaining);
        lock (_lock)
        {
            _faults.Add(fault);
        }
    }
}
