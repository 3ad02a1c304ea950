namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>One armed fault: what happens to the next <see cref="Remaining"/> commands named <see cref="Command"/>.</summary>
internal sealed class WireFault(WireFaultKind kind, string command, int times)
{
    public WireFaultKind Kind { get; } = kind;

    public string Command { get; } = command;

    public int Remaining { get; set; } = times;

    public int Code { get; init; }

    public string? CodeName { get; init; }

    public string? Message { get; init; }

    /// <summary>When set, exactly these labels; when null, the labels mongod would add itself.</summary>
    public IReadOnlyList<string>? ErrorLabels { get; init; }

    public MalformedReply Malformed { get; init; }
}
