namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// A replica set of in-test servers on their own loopback ports, sharing one data store. The first member starts as
/// primary; <see cref="StepDownAsync"/> hands the primary role to another member, as an election would.
/// </summary>
internal sealed class MongoWireReplicaSet : IAsyncDisposable
{
    private readonly ReplicaSetState _state;

    private MongoWireReplicaSet(ReplicaSetState state, WireDataStore store)
    {
        _state = state;
        Store = store;
    }

    public string SetName => _state.SetName;

    public IReadOnlyList<MongoWireServer> Members => _state.Members;

    /// <exception cref="InvalidOperationException">No member is primary.</exception>
    public MongoWireServer Primary => _state.Primary ?? throw new InvalidOperationException("The replica set has no primary.");

    public IEnumerable<MongoWireServer> Secondaries => Members.Where(m => !ReferenceEquals(m, _state.Primary));

    public WireDataStore Store { get; }

    /// <summary>"mongodb://h1,h2,h3/?replicaSet=name" with every member.</summary>
    public string ConnectionString => $"mongodb://{string.Join(",", Members.Select(m => m.HostAndPort))}/?replicaSet={SetName}";

    public static Task<MongoWireReplicaSet> StartAsync(int members = 3, string setName = "rs0", MongoWireServerOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        options ??= new MongoWireServerOptions();
        var store = new WireDataStore();
        var state = new ReplicaSetState(setName);
        for (int i = 0; i < members; i++)
        {
            state.Members.Add(new MongoWireServer(options, store, state));
        }
        state.Elect(state.Members[0]);
        return Task.FromResult(new MongoWireReplicaSet(state, store));
    }

    /// <summary>
    /// The primary steps down and the next member is elected, with a new electionId. As mongod 4.2+, later writes on
    /// the old primary fail with NotWritablePrimary (10107); with <paramref name="closeConnections"/> the old primary
    /// also drops its connections, as mongod before 4.2 did.
    /// </summary>
    public Task StepDownAsync(bool closeConnections = false)
    {
        var old = Primary;
        var newPrimary = Members[(IndexOf(old) + 1) % Members.Count];
        _state.Elect(null);
        if (closeConnections)
        {
            old.CloseAllConnections();
        }
        _state.Elect(newPrimary);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members)
        {
            await member.DisposeAsync();
        }
    }

    private int IndexOf(MongoWireServer member)
    {
        for (int i = 0; i < Members.Count; i++)
        {
            if (ReferenceEquals(Members[i], member))
            {
                return i;
            }
        }
        return -1;
    }
}
