using Microsoft.Extensions.Logging;

namespace MongoSessions.Demo;

/// <summary>
/// The smallest logger factory that shows MongoSess's warnings (a corrupt session file, a failed sweep) without
/// adding a logging package; a real service passes its own factory instead.
/// </summary>
internal sealed class ConsoleErrorLoggerFactory(LogLevel minimumLevel) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new ConsoleErrorLogger(categoryName, minimumLevel);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("the demo logs to standard error only");

    public void Dispose()
    {
    }
}
