using System.Diagnostics;
using MongoSessions.Mongo.Connections;
using MongoSessions.Mongo.Pooling;

namespace MongoSessions.Mongo.Topology;

/// <summary>
/// The live deployment: the current <see cref="TopologyDescription"/>, a pool and a monitor per server, and server
/// selection, which waits for a writable server until the server selection timeout.
/// </summary>
internal sealed class MongoCluster : IAsyncDisposable
{
    private readonly ClusterSettings _settings;
    private readonly object _lock = new();
    private readonly Dictionary<MongoEndPoint, (ConnectionPool Pool, ServerMonitor Monitor)> _servers = [];
    private TopologyDescription _description;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    public MongoCluster(ClusterSettings settings)
    {
        _settings = settings;
        _description = TopologyDescription.Initial(settings.Seeds, settings.ReplicaSet, settings.DirectConnection);
        lock (_lock)
        {
            SyncServers();
        }
    }

    public TopologyDescription Description
    {
        get
        {
            lock (_lock)
            {
                return _description;
            }
        }
    }

    /// <summary>Waits for a server that accepts writes (the primary, a standalone or a mongos) and returns it with its pool.</summary>
    /// <exception cref="MongoSessConnectionException">None appeared within the server selection timeout; the message says what each server reported.</exception>
    public async Task<(ServerDescription Server, ConnectionPool Pool)> SelectWritableAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                if (_description.WritableServer is { } server && _servers.TryGetValue(server.EndPoint, out var entry))
                {
                    return (server, entry.Pool);
                }
                changed = _changed.Task;
                foreach (var (_, monitor) in _servers.Values)
                {
                    monitor.RequestCheck();
                }
            }
            var remaining = _settings.ServerSelectionTimeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new MongoSessConnectionException(
                    $"No MongoDB server accepting writes was found within {_settings.ServerSelectionTimeout.TotalMilliseconds:0} ms (serverSelectionTimeoutMS). {Description.Summarize()}");
            }
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                await Task.WhenAny(changed, Task.Delay(remaining, wait.Token)).ConfigureAwait(false);
                // stop the timer now rather than let it run out the rest of the timeout
                await wait.CancelAsync().ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// After an application error that means the server is no longer usable as it was (network error,
    /// NotWritablePrimary, NodeIsRecovering): mark it unknown, check it at once, and, when its connections are
    /// suspect, clear its pool.
    /// </summary>
    public void MarkUnknown(MongoEndPoint endPoint, string error, bool clearPool)
    {
        lock (_lock)
        {
            if (!_servers.TryGetValue(endPoint, out var entry))
            {
                return;
            }
            if (clearPool)
            {
                entry.Pool.Clear();
            }
            Update(ServerDescription.Unknown(endPoint, error));
            entry.Monitor.RequestCheck();
        }
    }

    private void OnMonitorReport(ServerDescription description)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            if (_servers.TryGetValue(description.EndPoint, out var entry))
            {
                if (description.Type == ServerType.Unknown)
                {
                    // SDAM: a failed heartbeat clears the server's pool
                    entry.Pool.Clear();
                }
                else if (description.IsDataBearing)
                {
                    // CMAP: the pool keeps minPoolSize connections and drops idle ones between operations
                    entry.Pool.MaintainInBackground();
                }
            }
            Update(description);
        }
    }

    private void Update(ServerDescription description)
    {
        _description = _description.Apply(description);
        SyncServers();
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    // a pool and a monitor for every server the description lists, none for the others
    private void SyncServers()
    {
        foreach (var endPoint in _description.Servers.Keys)
        {
            if (!_servers.ContainsKey(endPoint))
            {
                var pool = new ConnectionPool(endPoint, _settings.Pool, (generation, token) =>
                    MongoConnection.OpenAsync(endPoint, _settings.Connection, _settings.StreamOpener, generation, _settings.Authenticate, token));
                var monitor = new ServerMonitor(endPoint, _settings.Connection, _settings.StreamOpener, _settings.HeartbeatInterval, _settings.MinHeartbeatInterval, OnMonitorReport);
                _servers.Add(endPoint, (pool, monitor));
            }
        }
        foreach (var endPoint in _servers.Keys.Where(e => !_description.Servers.ContainsKey(e)).ToList())
        {
            var (pool, monitor) = _servers[endPoint];
            _servers.Remove(endPoint);
            _ = Task.Run(async () =>
            {
                await monitor.DisposeAsync().ConfigureAwait(false);
                await pool.DisposeAsync().ConfigureAwait(false);
            });
        }
    }

    /// <summary>Every server's pool, for statistics and for closing sessions at shutdown.</summary>
    public IReadOnlyList<ConnectionPool> Pools
    {
        get
        {
            lock (_lock)
            {
                return _servers.Values.Select(s => s.Pool).ToList();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<(ConnectionPool Pool, ServerMonitor Monitor)> servers;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
            servers = [.. _servers.Values];
            _servers.Clear();
        }
        foreach (var (pool, monitor) in servers)
        {
            await monitor.DisposeAsync().ConfigureAwait(false);
            await pool.DisposeAsync().ConfigureAwait(false);
        }
    }
}
