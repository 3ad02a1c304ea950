using Microsoft.Extensions.Logging;
using MongoSessions.Bson;
using MongoSessions.Mongo;
using MongoSessions.Mongo.Auth;
using MongoSessions.Mongo.Connections;
using MongoSessions.Mongo.Dns;
using MongoSessions.Mongo.Pooling;
using MongoSessions.Mongo.Topology;

namespace MongoSessions.Internal;

/// <summary>
/// Turns <see cref="MongoSessOptions"/> into a connected MongoDB store: parse the connection string, resolve
/// mongodb+srv, apply the explicit options over it, connect, authenticate (by pinging the primary, so that a bad URI,
/// an unreachable server or a wrong password fail here, at startup) and create the TTL index.
/// Precedence: an explicit option, then the connection string, then the default.
/// </summary>
internal static class MongoStoreBuilder
{
    public const string DefaultDatabase = "mongosess";
    public const string DefaultCollection = "sessions";

    public static async Task<MongoSessionStore> ConnectAsync(MongoSessOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("MongoSess");
        var connectionString = Parse(options);
        foreach (var warning in connectionString.Warnings)
        {
            logger.LogWarning("MongoDB connection string: {Warning}", warning);
        }
        if (connectionString.IsUnixSocket)
        {
            throw new MongoSessConfigurationException("MongoSess cannot connect through a Unix domain socket; use a host name or address.");
        }
        if (connectionString.Options.LoadBalanced == true)
        {
            throw new MongoSessConfigurationException("MongoSess does not support loadBalanced mode; connect to the mongos routers directly.");
        }
        if (connectionString.IsSrv)
        {
            var dns = options.DnsClient ?? new DnsClient(await DnsServers.FromSystemAsync(cancellationToken).ConfigureAwait(false));
            var serviceName = connectionString.Options.SrvServiceName ?? SrvSeedlist.DefaultServiceName;
            // srvMaxHosts is applied by WithSrvRecords, so the resolver returns every host
            var seedlist = await SrvSeedlist.ResolveAsync(connectionString.SrvHostName!, serviceName, null, dns, cancellationToken).ConfigureAwait(false);
            connectionString = connectionString.WithSrvRecords(seedlist.Hosts, seedlist.TxtOptions);
        }
        var settings = ClusterSettingsFor(connectionString, options);
        var database = options.Database ?? connectionString.Database ?? DefaultDatabase;
        var collection = options.Collection ?? connectionString.Collection ?? DefaultCollection;
        ValidateNames(database, collection);

        var client = new MongoClient(settings, WriteConcern(connectionString.Options), logger);
        var store = new MongoSessionStore(client, database, collection, logger);
        try
        {
            await client.ReadAsync("admin", new BsonDocument().Add("ping", new BsonInt32(1)), cancellationToken).ConfigureAwait(false);
            if (options.CreateIndexes && options.Cleanup.Mode is SessionCleanupMode.Default or SessionCleanupMode.TtlIndex)
            {
                await store.EnsureIndexesAsync(cancellationToken).ConfigureAwait(false);
            }
            logger.LogInformation("Connected to MongoDB {Database}.{Collection} ({Topology})", database, collection, client.Cluster.Description.Type);
            return store;
        }
        catch (MongoSessException e)
        {
            // the exception's message never holds the password; the connection string is not logged at all
            logger.LogError("Connecting to MongoDB failed: {Error}", e.Message);
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The client settings the options give, without connecting.</summary>
    internal static ClusterSettings SettingsFor(MongoSessOptions options) => ClusterSettingsFor(Parse(options), options);

    private static ConnectionString Parse(MongoSessOptions options)
    {
        if (options.ConnectionString is not null && options.Servers is not null)
        {
            throw new MongoSessConfigurationException("Set MongoSessOptions.ConnectionString or MongoSessOptions.Servers, not both.");
        }
        if (options.Servers is null)
        {
            return ConnectionString.Parse(options.ConnectionString ?? "mongodb://localhost:27017");
        }
        if (options.Servers.Count == 0 || options.Servers.Any(s => string.IsNullOrWhiteSpace(s) || s.IndexOfAny(['/', '@', '?', ',', '#']) >= 0))
        {
            throw new MongoSessConfigurationException("MongoSessOptions.Servers must hold at least one entry, each a host name or host:port (IPv6 as [addr]:port).");
        }
        return ConnectionString.Parse("mongodb://" + string.Join(',', options.Servers) + "/");
    }

    private static ClusterSettings ClusterSettingsFor(ConnectionString connectionString, MongoSessOptions options)
    {
        var uri = connectionString.Options;
        var username = options.Username ?? connectionString.Username;
        var password = options.Password ?? connectionString.Password;
        MongoCredential? credential = null;
        ScramMechanism? mechanism = null;
        if (username is not null)
        {
            if (password is null)
            {
                throw new MongoSessConfigurationException($"A password is needed for the MongoDB user '{username}' (SCRAM authentication).");
            }
            // auth spec: the credential's source is authSource, else the connection string's database, else admin
            credential = new MongoCredential(username, password, uri.AuthSource ?? connectionString.Database ?? "admin", uri.AuthMechanism);
            mechanism = uri.AuthMechanism is null ? null : ScramMechanism.FromName(uri.AuthMechanism);
        }
        bool insecure = uri.TlsInsecure == true;
        var connection = new ConnectionSettings
        {
            ConnectTimeout = Positive(uri.ConnectTimeout) ?? TimeSpan.FromSeconds(10),
            // unlike MongoDB's drivers (no timeout), 30 s by default: a web request must never wait forever on a
            // server that took a command and went silent; socketTimeoutMS=0 turns it off
            SocketTimeout = uri.SocketTimeout is { } socket ? Positive(socket) ?? Timeout.InfiniteTimeSpan : DefaultSocketTimeout,
            Tls = options.Tls ?? connectionString.EffectiveTls,
            TlsCAFile = uri.TlsCAFile,
            TlsAllowInvalidCertificates = insecure || uri.TlsAllowInvalidCertificates == true,
            TlsAllowInvalidHostnames = insecure || uri.TlsAllowInvalidHostnames == true,
            AppName = uri.AppName,
            Credential = credential,
        };
        int maxPool = options.PoolSize ?? uri.MaxPoolSize ?? 100;
        if (maxPool < 0)
        {
            throw new MongoSessConfigurationException("MongoSessOptions.PoolSize cannot be negative.");
        }
        return new ClusterSettings
        {
            Seeds = connectionString.Hosts,
            ReplicaSet = uri.ReplicaSet,
            DirectConnection = uri.DirectConnection,
            Connection = connection,
            Pool = new PoolSettings
            {
                // CMAP: maxPoolSize=0 means no limit
                MaxPoolSize = maxPool == 0 ? int.MaxValue : maxPool,
                MinPoolSize = Math.Min(uri.MinPoolSize ?? 0, maxPool == 0 ? int.MaxValue : maxPool),
                MaxIdleTime = Positive(uri.MaxIdleTime) ?? Timeout.InfiniteTimeSpan,
                WaitQueueTimeout = Positive(uri.WaitQueueTimeout) ?? TimeSpan.FromSeconds(120),
            },
            HeartbeatInterval = uri.HeartbeatFrequency ?? TimeSpan.FromSeconds(10),
            MinHeartbeatInterval = options.MinHeartbeatInterval ?? TimeSpan.FromMilliseconds(500),
            ServerSelectionTimeout = Positive(uri.ServerSelectionTimeout) ?? TimeSpan.FromSeconds(30),
            RetryWrites = uri.RetryWrites ?? true,
            RetryReads = uri.RetryReads ?? true,
            StreamOpener = options.StreamOpener ?? TcpStreamOpener.Instance,
            Authenticate = credential is null ? null : (connection, cancellation) => ScramAuthenticator.AuthenticateAsync(
                (command, token) => connection.RunCommandAsync(command, token), credential.Username, credential.Password, credential.Source,
                mechanism ?? ScramMechanism.Negotiate(connection.Description.Raw), cancellation),
        };
    }

    private static BsonDocument? WriteConcern(ConnectionStringOptions uri)
    {
        if (uri.W is null && uri.Journal is null && uri.WTimeout is null)
        {
            return null;
        }
        var concern = new BsonDocument();
        if (uri.W is { } w)
        {
            concern.Add("w", w.Count is { } count ? new BsonInt32(count) : new BsonString(w.Mode!));
        }
        if (uri.Journal is { } journal)
        {
            concern.Add("j", BsonBoolean.Of(journal));
        }
        if (uri.WTimeout is { } timeout)
        {
            concern.Add("wtimeout", new BsonInt64((long)timeout.TotalMilliseconds));
        }
        return concern;
    }

    // MongoDB's naming rules: database names exclude /\. "$*<>:|? and NUL; collection names cannot start with system. or hold $ or NUL
    private static void ValidateNames(string database, string collection)
    {
        if (database.Length == 0 || database.Length > 63 || database.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?', '\0']) >= 0)
        {
            throw new MongoSessConfigurationException($"'{database}' is not a valid MongoDB database name.");
        }
        if (collection.Length == 0 || collection.Contains('$') || collection.Contains('\0') || collection.StartsWith("system.", StringComparison.Ordinal))
        {
            throw new MongoSessConfigurationException($"'{collection}' is not a valid MongoDB collection name.");
        }
    }

    internal static readonly TimeSpan DefaultSocketTimeout = TimeSpan.FromSeconds(30);

    private static TimeSpan? Positive(TimeSpan? value) => value is { } v && v > TimeSpan.Zero ? v : null;
}
