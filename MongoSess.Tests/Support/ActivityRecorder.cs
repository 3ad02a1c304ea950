using System.Collections.Concurrent;
using System.Diagnostics;

namespace MongoSessions.Tests.Support;

/// <summary>Samples every activity of the MongoSess source, as a tracer would, and keeps the stopped ones.</summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public ActivityRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MongoSess.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>The stopped activities carrying this tag value.</summary>
    public List<Activity> WithTag(string name, string value) => [.. _stopped.Where(a => a.GetTagItem(name) as string == value)];

    public void Dispose() => _listener.Dispose();
}
