using MongoSessions.Bson;
using MongoSessions.Mongo.Connections;

namespace MongoSessions.Mongo.Topology;

/// <summary>
/// Checks one server with hello every heartbeat on a connection of its own (never an application connection, and
/// never authenticated), and reports each result. SDAM: a check that fails on a server that was known is retried
/// once at once, since one dropped connection does not mean the server is down.
/// </summary>
internal sealed class ServerMonitor : IAsyncDisposable
{
    private readonly MongoEndPoint _endPoint;
    private readonly ConnectionSettings _settings;
    private readonly IStreamOpener _opener;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _minInterval;
    private readonly Action<ServerDescription> _report;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Task _loop;
    private MongoConnection? _connection;

    // minInterval: SDAM says checks are never more frequent than 500 ms, even when requested; tests shorten it
    public ServerMonitor(MongoEndPoint endPoint, ConnectionSettings settings, IStreamOpener opener, TimeSpan interval, TimeSpan minInterval, Action<ServerDescription> report)
    {
        _endPoint = endPoint;
        // the monitoring connection does not authenticate (SDAM) and waits at most the connect timeout for hello
        _settings = settings with { Credential = null, SocketTimeout = settings.ConnectTimeout };
        _opener = opener;
        _interval = interval;
        _minInterval = minInterval < interval ? minInterval : interval;
        _report = report;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Asks for a check now instead of at the next heartbeat.</summary>
    public void RequestCheck()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // a check is already requested
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        bool wasKnown = false;
        while (!stop.IsCancellationRequested)
        {
            var description = await CheckAsync(stop).ConfigureAwait(false);
            if (description.Type == ServerType.Unknown && wasKnown && !stop.IsCancellationRequested)
            {
                description = await CheckAsync(stop).ConfigureAwait(false);
            }
            if (stop.IsCancellationRequested)
            {
                return;
            }
            wasKnown = description.Type != ServerType.Unknown;
            _report(description);
            try
            {
                await Task.Delay(_minInterval, stop).ConfigureAwait(false);
                await _wake.WaitAsync(_interval - _minInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<ServerDescription> CheckAsync(CancellationToken stop)
    {
        try
        {
            if (_connection is null || _connection.IsBroken)
            {
                if (_connection is not null)
                {
                    await _connection.DisposeAsync().ConfigureAwait(false);
                }
                _connection = await MongoConnection.OpenAsync(_endPoint, _settings, _opener, 0, null, stop).ConfigureAwait(false);
                return ServerDescription.FromHello(_endPoint, _connection.Description);
            }
            var command = new BsonDocument()
                .Add(_connection.Description.HelloOk ? "hello" : "isMaster", new BsonInt32(1))
                .Add("$db", new BsonString("admin"));
            var reply = await _connection.RunCommandAsync(command, stop).ConfigureAwait(false);
            return ServerDescription.FromHello(_endPoint, new HelloResult(reply));
        }
        catch (Exception e) when (e is MongoSessException or OperationCanceledException)
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
            return ServerDescription.Unknown(_endPoint, e is OperationCanceledException ? "monitor stopped" : e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        _stop.Dispose();
    }
}
