using System.Diagnostics;

namespace MongoSessions.Soak;

/// <summary>The process's memory at one moment: the managed heap after a full collection, and the working set.</summary>
internal readonly record struct MemorySample(long HeapBytes, long WorkingSetBytes)
{
    public static MemorySample Take()
    {
        // a compacting full collection, twice around the finalizers, so that only live objects are counted
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return new MemorySample(GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64);
    }

    public override string ToString() => $"heap {Megabytes(HeapBytes):0.0} MB, working set {Megabytes(WorkingSetBytes):0.0} MB";

    public static double Megabytes(long bytes) => bytes / (1024.0 * 1024.0);
}
