using Microsoft.Extensions.Logging;

namespace MongoSessions.Soak;

/// <summary>Counts the warnings and errors MongoSess and the driver log, and keeps the first few.</summary>
internal sealed class ProblemCountingLoggerFactory : ILoggerFactory, ILogger
{
    private const int KeptProblems = 10;

    private readonly Queue<string> _problems = new();
    private long _problemCount;

    /// <summary>How many warnings and errors were logged.</summary>
    public long Problems => Interlocked.Read(ref _problemCount);

    public IReadOnlyList<string> FirstProblems
    {
        get { lock (_problems) { return [.. _problems]; } }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string message = formatter(state, exception);
        if (logLevel >= LogLevel.Warning)
        {
            Interlocked.Increment(ref _problemCount);
            lock (_problems)
            {
                if (_problems.Count < KeptProblems)
                {
                    _problems.Enqueue($"{logLevel}: {message}");
                }
            }
        }
    }

    public void Dispose()
    {
    }
}
