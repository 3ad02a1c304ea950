using Microsoft.Extensions.Logging;

namespace MongoSessions.Demo;

/// <summary>Writes one line per message to standard error.</summary>
internal sealed class ConsoleErrorLogger(string category, LogLevel minimumLevel) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimumLevel && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        string line = $"{logLevel.ToString().ToLowerInvariant()}: {category}: {formatter(state, exception)}";
        Console.Error.WriteLine(exception is null ? line : $"{line} ({exception.GetType().Name}: {exception.Message})");
    }
}
