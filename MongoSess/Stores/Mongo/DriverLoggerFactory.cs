using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MongoSessions;

/// <summary>
/// The application's logger factory as the driver of a client MongoSess creates sees it: only the driver's categories
/// that never carry documents (topology, server selection, connections) get through. "MongoDB.Command" logs whole
/// commands, session values included, at Debug; it and every other category are dropped at every level.
/// </summary>
internal sealed class DriverLoggerFactory : ILoggerFactory
{
    private static readonly string[] s_allowed = ["MongoDB.SDAM", "MongoDB.ServerSelection", "MongoDB.Connection"];

    private readonly ILoggerFactory _inner;

    public DriverLoggerFactory(ILoggerFactory inner) => _inner = inner;

    public static bool Allows(string categoryName) => Array.IndexOf(s_allowed, categoryName) >= 0;

    public ILogger CreateLogger(string categoryName) => Allows(categoryName) ? _inner.CreateLogger(categoryName) : NullLogger.Instance;

    // providers belong to the application's factory, which the application configures and disposes
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("Add logging providers to the application's own ILoggerFactory.");

    public void Dispose()
    {
    }
}
