using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MongoSessions.Diagnostics;

/// <summary>
/// The one <see cref="System.Diagnostics.Metrics.Meter"/> and the one <see cref="System.Diagnostics.ActivitySource"/>
/// MongoSess reports through, both named <see cref="Name"/> ("MongoSess") and versioned like the assembly. They live
/// for the process: instruments are static, and cost a listener check when nobody listens.
/// </summary>
internal static class MongoSessInstrumentation
{
    /// <summary>The meter's and the activity source's name (public as <c>MongoSess.MeterName</c> and <c>MongoSess.ActivitySourceName</c>).</summary>
    public const string Name = "MongoSess";

    private static readonly string? s_version = typeof(MongoSessInstrumentation).Assembly.GetName().Version?.ToString();

    public static Meter Meter { get; } = new(Name, s_version);

    public static ActivitySource ActivitySource { get; } = new(Name, s_version);

    /// <summary>Histogram buckets for durations in seconds: store operations and pool waits run from tens of microseconds (memory) to seconds (a failover).</summary>
    public static InstrumentAdvice<double> DurationAdvice { get; } = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };
}
