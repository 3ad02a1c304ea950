using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Soak;

/// <summary>
/// Breaks the replica set while the load runs: every few hundred milliseconds a dropped connection on the primary
/// (before or after a command runs), every few seconds all of its connections at once, and a step-down (an election
/// of the next member) every <see cref="StepDownEvery"/>.
/// </summary>
internal sealed class SoakChaos(MongoWireReplicaSet set, int seed)
{
    public static readonly TimeSpan StepDownEvery = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_dropAllEvery = TimeSpan.FromSeconds(7);

    private int _stepDowns;
    private int _connectionDrops;
    private int _armed;

    public int StepDowns => Volatile.Read(ref _stepDowns);

    /// <summary>Times every connection of the primary was closed at once.</summary>
    public int ConnectionDrops => Volatile.Read(ref _connectionDrops);

    public int FaultsArmed => Volatile.Read(ref _armed);

    public int FaultsFired => set.Members.Sum(m => m.Faults.Fired);

    public async Task RunAsync(CancellationToken stop)
    {
        var random = new Random(unchecked(seed * 31 + 7));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var nextStepDown = StepDownEvery;
        var nextDropAll = s_dropAllEvery;
        using var ticks = new PeriodicTimer(s_tick);
        try
        {
            while (await ticks.WaitForNextTickAsync(stop))
            {
                if (clock.Elapsed >= nextStepDown)
                {
                    // half like mongod 4.2+ (connections stay, writes fail with NotWritablePrimary), half like older ones
                    await set.StepDownAsync(closeConnections: random.Next(2) == 0);
                    Interlocked.Increment(ref _stepDowns);
                    nextStepDown += StepDownEvery;
                }
                if (clock.Elapsed >= nextDropAll)
                {
                    set.Primary.CloseAllConnections();
                    Interlocked.Increment(ref _connectionDrops);
                    nextDropAll += s_dropAllEvery;
                }
                if (random.Next(3) == 0)
                {
                    ArmOne(random, set.Primary.Faults);
                }
                ForgetHistory();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        foreach (var member in set.Members)
        {
            member.Faults.Clear();
        }
    }

    private void ArmOne(Random random, WireFaults faults)
    {
        switch (random.Next(5))
        {
            case 0:
                faults.CloseAfterExecute("findAndModify");
                break;
            case 1:
                faults.CloseBeforeReply("findAndModify");
                break;
            case 2:
                faults.CloseBeforeReply("find");
                break;
            case 3:
                faults.CloseAfterExecute("insert");
                break;
            default:
                faults.CloseAfterExecute("delete");
                break;
        }
        Interlocked.Increment(ref _armed);
    }

    // the in-process server keeps every command for test assertions and every retryable write's reply: over minutes
    // that would be the largest memory growth in the process, and it is not the library's
    private void ForgetHistory()
    {
        foreach (var member in set.Members)
        {
            member.Statistics.Commands.Clear();
            member.Statistics.ClientMetadata.Clear();
        }
        set.Store.ForgetOlderRetryableWrites();
    }
}
