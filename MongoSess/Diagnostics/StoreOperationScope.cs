using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MongoSessions.Diagnostics;

/// <summary>
/// One observed store operation: an activity (when a tracer samples it) and, at the end, its duration in the
/// <c>mongosess.store.operation.duration</c> histogram. Only the store's kind, the operation and the session's log id
/// (a short hash, the same one log lines show) are recorded; never the id, the data or an exception message.
/// </summary>
internal readonly struct StoreOperationScope
{
    private static readonly Histogram<double> s_duration = MongoSessInstrumentation.Meter.CreateHistogram(
        "mongosess.store.operation.duration", "s", "Duration of session store operations.", tags: null, MongoSessInstrumentation.DurationAdvice);

    private readonly string _store;
    private readonly StoreOperationName _operation;
    private readonly long _started;
    private readonly Activity? _activity;

    private StoreOperationScope(string store, StoreOperationName operation, Activity? activity)
    {
        _store = store;
        _operation = operation;
        _activity = activity;
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>True when a meter listener or a tracer would see a store operation; when false, stores are called directly.</summary>
    public static bool IsObserved => s_duration.Enabled || MongoSessInstrumentation.ActivitySource.HasListeners();

    public static StoreOperationScope Start(string store, StoreOperationName operation, string? sessionId)
    {
        var activity = MongoSessInstrumentation.ActivitySource.StartActivity(operation.ActivityName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("store", store);
            activity.SetTag("operation", operation.Tag);
            if (sessionId is not null)
            {
                activity.SetTag("session.hash", SessionLogId.Of(sessionId));
            }
        }
        return new StoreOperationScope(store, operation, activity);
    }

    /// <summary>Records the duration and ends the activity; an error marks both with its type (OpenTelemetry's <c>error.type</c>).</summary>
    public void Complete(Exception? error = null)
    {
        if (s_duration.Enabled)
        {
            var tags = new TagList { { "operation", _operation.Tag }, { "store", _store } };
            if (error is not null)
            {
                tags.Add("error.type", error.GetType().FullName);
            }
            s_duration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        }
        if (_activity is not null)
        {
            if (error is not null)
            {
                // the type only: a message from a custom store could carry anything
                _activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
                _activity.SetTag("error.type", error.GetType().FullName);
            }
            _activity.Dispose();
        }
    }
}
