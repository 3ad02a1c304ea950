namespace MongoSessions.Soak;

/// <summary>
/// Request durations in fixed logarithmic buckets (about 2% wide, from 10 µs to over a minute): constant memory
/// however long the soak runs, which matters when memory growth is what it measures.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double Smallest = 0.01;
    private const double Growth = 1.02;
    private const int BucketCount = 800;

    private readonly long[] _buckets = new long[BucketCount];
    private long _count;
    private double _maxMs;

    public long Count => Interlocked.Read(ref _count);

    public double MaxMs => Volatile.Read(ref _maxMs);

    public void Record(TimeSpan elapsed)
    {
        double ms = elapsed.TotalMilliseconds;
        int bucket = ms <= Smallest ? 0 : Math.Min(BucketCount - 1, (int)Math.Ceiling(Math.Log(ms / Smallest, Growth)));
        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Increment(ref _count);
        double seen;
        while (ms > (seen = Volatile.Read(ref _maxMs)) && Interlocked.CompareExchange(ref _maxMs, ms, seen) != seen)
        {
        }
    }

    /// <summary>The upper edge of the bucket holding the <paramref name="fraction"/> quantile, in milliseconds.</summary>
    public double PercentileMs(double fraction)
    {
        long total = Count;
        if (total == 0)
        {
            return 0;
        }
        long rank = (long)Math.Ceiling(fraction * total);
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return Smallest * Math.Pow(Growth, i);
            }
        }
        return MaxMs;
    }
}
