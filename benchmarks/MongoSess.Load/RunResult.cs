namespace MongoSessions.Load;

/// <summary>One run's figures, as the summary of several runs shows them.</summary>
internal sealed record RunResult(
    double HealthRequestsPerSecond,
    double ViewsRequestsPerSecond,
    double HealthServerMicroseconds,
    double ViewsServerMicroseconds,
    long Errors,
    long CounterViolations)
{
    /// <summary>1 - rps(/views) / rps(/healthz): the share of throughput the session costs.</summary>
    public double Overhead => HealthRequestsPerSecond > 0 ? 1 - ViewsRequestsPerSecond / HealthRequestsPerSecond : double.NaN;

    public static RunResult Of(LoadRun run) => new(
        run.Health.RequestsPerSecond,
        run.Views.RequestsPerSecond,
        run.Health.ServerMicrosecondsPerRequest,
        run.Views.ServerMicrosecondsPerRequest,
        run.Health.Errors + run.Views.Errors,
        run.Views.CounterViolations);

    /// <summary>The median of one figure over the runs (the median overhead is that of the runs, not of the median rates).</summary>
    public static double Median(IReadOnlyList<RunResult> runs, Func<RunResult, double> figure) => Median(runs.Select(figure));

    /// <summary>The median of some figures.</summary>
    public static double Median(IEnumerable<double> figures)
    {
        var sorted = figures.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
