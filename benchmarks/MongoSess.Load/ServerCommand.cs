namespace MongoSessions.Load;

/// <summary>How to start one stack's server on a given port.</summary>
internal sealed record ServerCommand(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    /// <summary>Variables set in the server's environment on top of this process's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
