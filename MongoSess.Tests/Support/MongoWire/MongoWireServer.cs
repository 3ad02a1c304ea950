using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// An in-memory mongod on a free loopback port that speaks the MongoDB wire protocol (OP_MSG, and OP_QUERY for the
/// legacy handshake and SASL), with SCRAM authentication, fault injection and statistics; it implements only the
/// commands and operators the official driver sends for <see cref="MongoSessionStore"/>. Values are MongoDB.Bson types. Test code only.
/// </summary>
internal sealed class MongoWireServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, MongoWireConnection> _connections = new();
    private readonly ConcurrentDictionary<int, Task> _connectionTasks = new();
    private readonly Dictionary<string, ScramCredential> _credentials = new(StringComparer.Ordinal);
    private readonly Task _acceptLoop;
    private int _nextConnectionId;

    internal MongoWireServer(MongoWireServerOptions options, WireDataStore store, ReplicaSetState? replicaSet)
    {
        Options = options;
        Store = store;
        ReplicaSet = replicaSet;
        Dispatcher = new CommandDispatcher(this);
        foreach (var user in options.Users)
        {
            foreach (var mechanism in user.EffectiveMechanisms)
            {
                _credentials[CredentialKey(user.Database, user.Username, mechanism)] = ScramCredential.Create(mechanism, user.Username, user.Password);
            }
        }
        _listener = new TcpListener(IPAddress.Loopback, options.Port);
        if (options.Port != 0)
        {
            // a restart on the same port must not wait for the old connections' TIME_WAIT
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    /// <summary>Reported in hello, as mongod's; a larger request closes the connection.</summary>
    public const int MaxMessageSizeBytes = 48_000_000;

    public MongoWireServerOptions Options { get; }

    public int Port { get; }

    /// <summary>"127.0.0.1:port", as hello's hosts and me list it.</summary>
    public string HostAndPort => $"127.0.0.1:{Port}";

    /// <summary>A connection string for this server alone (add credentials or options as a test needs).</summary>
    public string ConnectionString => $"mongodb://{HostAndPort}/";

    /// <summary>The data; shared by all members of a replica set.</summary>
    public WireDataStore Store { get; }

    public WireFaults Faults { get; } = new();

    public WireStatistics Statistics { get; } = new();

    internal CommandDispatcher Dispatcher { get; }

    internal CursorRegistry Cursors { get; } = new();

    internal ReplicaSetState? ReplicaSet { get; }

    internal bool RequiresAuthentication => _credentials.Count > 0;

    internal bool IsWritablePrimary => ReplicaSet is null || ReplicaSet.Primary == this;

    /// <summary>Starts a standalone server.</summary>
    public static MongoWireServer Start(MongoWireServerOptions? options = null) => new(options ?? new MongoWireServerOptions(), new WireDataStore(), null);

    /// <summary>One pass of the TTL monitor (mongod runs one a minute; tests run it when they need it); returns how many documents it deleted.</summary>
    public int RunTtlMonitor() => Store.RunTtlMonitor(DateTimeOffset.UtcNow);

    /// <summary>Closes every open client connection (the server keeps listening).</summary>
    public void CloseAllConnections()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Close();
        }
    }

    internal ScramCredential? FindCredential(string database, string username, string mechanism) =>
        _credentials.GetValueOrDefault(CredentialKey(database, username, mechanism));

    internal IEnumerable<string> MechanismsOf(string database, string username) =>
        new[] { MongoWireUser.ScramSha1, MongoWireUser.ScramSha256 }.Where(m => _credentials.ContainsKey(CredentialKey(database, username, m)));

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        CloseAllConnections();
        await Task.WhenAll(_connectionTasks.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static string CredentialKey(string database, string username, string mechanism) => $"{database}\0{username}\0{mechanism}";

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            int id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new MongoWireConnection(this, client, new ConnectionState(id));
            _connections[id] = connection;
            Statistics.ConnectionOpened();
            _connectionTasks[id] = Task.Run(() => ServeAsync(connection, id));
        }
    }

    private async Task ServeAsync(MongoWireConnection connection, int id)
    {
        try
        {
            await connection.RunAsync(_stopping.Token);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            _connectionTasks.TryRemove(id, out _);
            Statistics.ConnectionClosed();
        }
    }
}
