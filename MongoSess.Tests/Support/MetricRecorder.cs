using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MongoSessions.Tests.Support;

/// <summary>One measurement a <see cref="MetricRecorder"/> saw.</summary>
internal sealed record RecordedMeasurement(Instrument Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;

    public override string ToString() => $"{Instrument.Name} {Value} {{{string.Join(", ", Tags.Select(t => $"{t.Key}={t.Value}"))}}}";
}

/// <summary>Listens to every instrument of the MongoSess meter, as an exporter would, and keeps what they report.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public MetricRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MongoSess.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The measurements of one instrument whose tags include every pair given.</summary>
    public List<RecordedMeasurement> Of(string instrument, params (string Name, string Value)[] tags) =>
        [.. _measurements.Where(m => m.Instrument.Name == instrument && tags.All(t => m.Tag(t.Name) == t.Value))];

    public double Sum(string instrument, params (string Name, string Value)[] tags) => Of(instrument, tags).Sum(m => m.Value);

    /// <summary>Asks the observable instruments (the pool gauges) for their current values.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public void Clear() => _measurements.Clear();

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }
        _measurements.Enqueue(new RecordedMeasurement(instrument, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }

    public void Dispose() => _listener.Dispose();
}
