using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoSessions.Bson;
using MongoSessions.Diagnostics;
using MongoSessions.Mongo.Topology;

namespace MongoSessions.Mongo;

/// <summary>
/// Runs commands on the primary: selects it, checks out a connection, and on a retryable failure (a network error,
/// a primary that stepped down) marks the server unknown and tries once more on the newly selected primary. Writes
/// carry an lsid and txnNumber so that the server applies a retried write once (retryable writes spec).
/// </summary>
internal sealed class MongoClient : IAsyncDisposable
{
    private readonly ClusterSettings _settings;
    private readonly BsonDocument? _writeConcern;
    private readonly ServerSessionPool _sessions = new();
    private readonly ILogger _logger;

    public MongoClient(ClusterSettings settings, BsonDocument? writeConcern = null, ILogger? logger = null)
    {
        _settings = settings;
        _writeConcern = writeConcern;
        _logger = logger ?? NullLogger.Instance;
        Cluster = new MongoCluster(settings);
    }

    public MongoCluster Cluster { get; }

    /// <summary>
    /// Runs a read command (find, count...) on the primary, retried once on a retryable error when retryReads is on
    /// and <paramref name="retryable"/> (getMore is not: its cursor lives on one server).
    /// </summary>
    public Task<BsonDocument> ReadAsync(string database, BsonDocument command, CancellationToken cancellationToken, bool retryable = true) =>
        ExecuteAsync(database, command, isWrite: false, retryable, cancellationToken);

    /// <summary>
    /// Runs a write command (insert, update, delete, findAndModify...), retried once when retryWrites is on, the
    /// deployment supports it and <paramref name="retryable"/> (retryable writes spec: not for multi-document writes).
    /// </summary>
    public Task<BsonDocument> WriteAsync(string database, BsonDocument command, CancellationToken cancellationToken, bool retryable = true) =>
        ExecuteAsync(database, command, isWrite: true, retryable, cancellationToken);

    private async Task<BsonDocument> ExecuteAsync(string database, BsonDocument command, bool isWrite, bool allowRetry, CancellationToken cancellationToken)
    {
        ServerSession? session = null;
        long txnNumber = 0;
        bool sessionHealthy = true;
        MongoSessException? firstError = null;
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                ServerDescription server;
                Pooling.ConnectionPool pool;
                try
                {
                    (server, pool) = await Cluster.SelectWritableAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (MongoSessConnectionException) when (firstError is not null)
                {
                    // retryable writes spec: when no server can be selected for the retry, the original error stands
                    throw firstError;
                }
                if (attempt == 0 && isWrite && allowRetry && _settings.RetryWrites && SupportsRetryableWrites(server))
                {
                    session = _sessions.Acquire(server.LogicalSessionTimeoutMinutes);
                    txnNumber = session.NextTxnNumber();
                }
                bool retryable = attempt == 0 && allowRetry && (isWrite ? session is not null : _settings.RetryReads);
                var toSend = Prepare(database, command, isWrite, session, txnNumber);
                Connections.MongoConnection connection;
                try
                {
                    connection = await pool.CheckOutAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (MongoSessConnectionException e) when (retryable && !e.IsWaitQueueTimeout)
                {
                    Cluster.MarkUnknown(server.EndPoint, e.Message, clearPool: true);
                    firstError = e;
                    ReportRetry(command, server, e);
                    continue;
                }
                try
                {
                    var reply = await connection.RunCommandAsync(toSend, cancellationToken).ConfigureAwait(false);
                    return isWrite ? WriteReply.EnsureNoErrors(reply) : reply;
                }
                catch (MongoSessConnectionException e)
                {
                    sessionHealthy = false;
                    Cluster.MarkUnknown(server.EndPoint, e.Message, clearPool: true);
                    if (!retryable)
                    {
                        throw;
                    }
                    firstError = e;
                    ReportRetry(command, server, e);
                }
                catch (MongoSessCommandException e)
                {
                    if (ServerErrors.IsStateChange(e))
                    {
                        Cluster.MarkUnknown(server.EndPoint, e.Message, ServerErrors.ClearsPool(e, server.MaxWireVersion));
                    }
                    bool retry = retryable && (isWrite ? ServerErrors.IsRetryableWrite(e, server.MaxWireVersion) : ServerErrors.IsRetryableRead(e));
                    if (!retry)
                    {
                        throw;
                    }
                    firstError = e;
                    ReportRetry(command, server, e);
                }
                finally
                {
                    pool.CheckIn(connection);
                }
            }
        }
        finally
        {
            // sessions spec: a session that saw a network error may be unusable on the server, so it is dropped
            if (session is not null && sessionHealthy)
            {
                _sessions.Release(session);
            }
        }
    }

    // the command's name and the error only: the command itself may carry session data
    private void ReportRetry(BsonDocument command, ServerDescription server, MongoSessException error)
    {
        var name = command.Count > 0 ? command[0].Name : "?";
        _logger.LogInformation("Retrying {Command} after an error on {Server}: {Error}", name, server.EndPoint, error.Message);
        MongoMetrics.Retried(name, server.EndPoint);
    }

    private static bool SupportsRetryableWrites(ServerDescription server) =>
        server.LogicalSessionTimeoutMinutes is not null && server.Type is ServerType.RSPrimary or ServerType.Mongos;

    private BsonDocument Prepare(string database, BsonDocument command, bool isWrite, ServerSession? session, long txnNumber)
    {
        var prepared = new BsonDocument(command.Count + 4);
        foreach (var element in command)
        {
            prepared.Add(element.Name, element.Value);
        }
        prepared.Set("$db", new BsonString(database));
        if (session is not null)
        {
            prepared.Set("lsid", session.Id);
            prepared.Set("txnNumber", new BsonInt64(txnNumber));
        }
        if (isWrite && _writeConcern is not null && !prepared.Contains("writeConcern"))
        {
            prepared.Set("writeConcern", _writeConcern);
        }
        return prepared;
    }

    public async ValueTask DisposeAsync()
    {
        var ids = _sessions.DrainIds();
        if (ids.Count > 0)
        {
            try
            {
                // sessions spec: tell the server, best effort and briefly, which sessions it can forget
                using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                var command = new BsonDocument().Add("endSessions", new BsonArray(ids));
                var (_, pool) = await Cluster.SelectWritableAsync(brief.Token).ConfigureAwait(false);
                var connection = await pool.CheckOutAsync(brief.Token).ConfigureAwait(false);
                try
                {
                    command.Add("$db", new BsonString("admin"));
                    await connection.RunCommandAsync(command, brief.Token).ConfigureAwait(false);
                }
                finally
                {
                    pool.CheckIn(connection);
                }
            }
            catch (Exception e) when (e is MongoSessException or OperationCanceledException)
            {
                // the sessions time out on the server by themselves
            }
        }
        await Cluster.DisposeAsync().ConfigureAwait(false);
    }
}
