namespace MongoSessions.Mongo;

/// <summary>The <c>w</c> option: a number of members (<see cref="Count"/>) or a mode or tag set name (<see cref="Mode"/>, e.g. "majority").</summary>
internal sealed record WriteConcernOption
{
    private WriteConcernOption(int? count, string? mode)
    {
        Count = count;
        Mode = mode;
    }

    /// <summary>The number of members that must acknowledge a write; null when <see cref="Mode"/> is set.</summary>
    public int? Count { get; }

    /// <summary>The mode or tag set name; null when <see cref="Count"/> is set.</summary>
    public string? Mode { get; }

    public static WriteConcernOption Members(int count) => new(count, null);

    public static WriteConcernOption Named(string mode) => new(null, mode);

    public override string ToString() => Mode ?? Count!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
