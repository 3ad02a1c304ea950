using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;

namespace MongoSessions;

/// <summary>
/// Turns <see cref="MongoSessOptions"/> into a connected <see cref="MongoSessionStore"/> on a client MongoSess owns:
/// the settings (a connection string, a server list or <see cref="MongoSessOptions.ClientSettings"/>, then the explicit
/// options over them, then MongoSess's own defaults), the client, and a <c>ping</c> so that an unreachable server or
/// wrong credentials fail here, at startup, not on the first request.
/// </summary>
internal static partial class MongoClientFactory
{

    public static async Task<MongoSessionStore> ConnectAsync(MongoSessOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("MongoSess");
        var (settings, database, collection) = Configure(options, loggers);
        var client = new MongoClient(settings);
        try
        {
            var store = new MongoSessionStore(
                client.GetDatabase(database),
                new MongoSessionStoreOptions
                {
                    CollectionName = collection,
                    CreateIndexes = options.CreateIndexes,
                    TtlIndexes = options.Cleanup.Mode is SessionCleanupMode.Default or SessionCleanupMode.TtlIndex,
                },
                ownedClient: client,
                logger);
            await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Connected to MongoDB {Database}.{Collection}", database, collection);
            return store;
        }
        catch (Exception e) when (MongoErrors.IsDriverError(e))
        {
            var error = MongoErrors.Translate(e, client);
            MongoSessionStore.CloseOwned(client);
            // the driver's messages name hosts, never the password; the connection string is not logged at all
            logger.LogError("Connecting to MongoDB failed: {Error}", error.Message);
            throw error;
        }
        catch
        {
            MongoSessionStore.CloseOwned(client);
            throw;
        }
    }

    /// <summary>The client settings, database and collection the options give, without connecting.</summary>
    internal static (MongoClientSettings Settings, string Database, string Collection) Configure(MongoSessOptions options, ILoggerFactory? loggers)
    {
        var (settings, url, urlCollection, explicitSocketTimeout) = BaseSettings(options);
        var urlDatabase = url?.DatabaseName;
        ApplyCredentials(settings, options, urlDatabase, url?.AuthenticationSource);
        if (options.Tls is { } tls)
        {
            settings.UseTls = tls;
        }
        if (options.PoolSize is { } poolSize)
        {
            if (poolSize <= 0)
            {
                throw new MongoSessConfigurationException("MongoSessOptions.PoolSize must be more than zero.");
            }
            settings.MaxConnectionPoolSize = poolSize;
        }
        if (!explicitSocketTimeout && settings.SocketTimeout == TimeSpan.Zero)
        {
            settings.SocketTimeout = MongoSessOptions.DefaultSocketTimeout;
        }
        // session values travel in command documents: no command text in the driver's logs or traces, at any level
        var logging = settings.LoggingSettings?.LoggerFactory ?? loggers;
        settings.LoggingSettings = logging is null ? null : new LoggingSettings(new DriverLoggerFactory(logging));
        settings.TracingOptions = new TracingOptions { Disabled = settings.TracingOptions?.Disabled ?? false, QueryTextMaxLength = 0 };
        // the driver shares one cluster (monitors, pools) among clients with equal settings and keeps it open when a
        // client is disposed; a configurator of this client's own makes the cluster its own, so that closing MongoSess
        // closes exactly its connections and never an application client's
        var configure = settings.ClusterConfigurator;
        settings.ClusterConfigurator = builder => configure?.Invoke(builder);
        // the driver fails a request at once when more than maxPoolSize × 5 wait for a connection; a burst of web
        // requests should wait (up to waitQueueTimeoutMS) instead. The property is the only knob, and is obsolete
#pragma warning disable CS0618
        settings.WaitQueueSize = Math.Max(settings.WaitQueueSize, MongoSessOptions.DefaultWaitQueueSize);
#pragma warning restore CS0618
        // the handshake's client metadata then says "mongo-csharp-driver|MongoSess", so server logs show who connected
        settings.LibraryInfo ??= new LibraryInfo("MongoSess", typeof(MongoClientFactory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        var database = options.Database ?? urlDatabase ?? MongoSessOptions.DefaultDatabase;
        var collection = options.Collection ?? urlCollection ?? new MongoSessionStoreOptions().CollectionName;
        MongoNames.CheckDatabase(database);
        MongoNames.CheckCollection(collection);
        return (settings, database, collection);
    }

    private static (MongoClientSettings Settings, MongoUrl? Url, string? Collection, bool ExplicitSocketTimeout) BaseSettings(MongoSessOptions options)
    {
        int sources = (options.ConnectionString is null ? 0 : 1) + (options.Servers is null ? 0 : 1) + (options.ClientSettings is null ? 0 : 1);
        if (sources > 1)
        {
            throw new MongoSessConfigurationException("Set one of MongoSessOptions.ConnectionString, Servers and ClientSettings, not several.");
        }
        if (options.ClientSettings is { } given)
        {
            return (given.Clone(), null, null, given.SocketTimeout != TimeSpan.Zero);
        }
        string connectionString;
        if (options.Servers is { } servers)
        {
            if (servers.Count == 0 || servers.Any(s => string.IsNullOrWhiteSpace(s) || s.IndexOfAny(['/', '@', '?', ',', '#']) >= 0))
            {
                throw new MongoSessConfigurationException("MongoSessOptions.Servers must hold at least one entry, each a host name or host:port (IPv6 as [addr]:port).");
            }
            connectionString = "mongodb://" + string.Join(',', servers) + "/";
        }
        else
        {
            connectionString = options.ConnectionString ?? MongoSessOptions.DefaultConnectionString;
        }
        var (withoutCollection, collection) = SplitCollection(connectionString);
        MongoUrl url;
        try
        {
            url = new MongoUrl(withoutCollection);
        }
        catch (Exception e) when (e is MongoConfigurationException or FormatException or ArgumentException or NotSupportedException)
        {
            throw new MongoSessConfigurationException("The MongoDB connection string is not valid: " + SecretMasking.Mask(e.Message, connectionString, options.Password), null);
        }
        MongoClientSettings settings;
        try
        {
            settings = MongoClientSettings.FromUrl(url);
        }
        catch (Exception e) when (MongoErrors.IsDriverError(e) || e is FormatException or ArgumentException or NotSupportedException)
        {
            throw new MongoSessConfigurationException("The MongoDB connection string cannot be used: " + SecretMasking.Mask(e.Message, connectionString, options.Password), null);
        }
        return (settings, url, collection, SocketTimeoutOption().IsMatch(connectionString));
    }

    // koa-session-mongo's form: mongodb://host/database/collection; the driver knows only the database
    private static (string ConnectionString, string? Collection) SplitCollection(string connectionString)
    {
        int scheme = connectionString.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return (connectionString, null);
        }
        int pathStart = connectionString.IndexOf('/', scheme + 3);
        if (pathStart < 0)
        {
            return (connectionString, null);
        }
        int query = connectionString.IndexOf('?', pathStart);
        int pathEnd = query < 0 ? connectionString.Length : query;
        int split = connectionString.IndexOf('/', pathStart + 1, pathEnd - pathStart - 1);
        if (split < 0)
        {
            return (connectionString, null);
        }
        var collection = Uri.UnescapeDataString(connectionString[(split + 1)..pathEnd]);
        return (connectionString[..split] + connectionString[pathEnd..], collection.Length == 0 ? null : collection);
    }

    private static void ApplyCredentials(MongoClientSettings settings, MongoSessOptions options, string? urlDatabase, string? authSource)
    {
        if (options.Username is null && options.Password is null)
        {
            return;
        }
        var existing = settings.Credential;
        var username = options.Username ?? existing?.Username
            ?? throw new MongoSessConfigurationException("MongoSessOptions.Password is set but no user name is: set MongoSessOptions.Username or put the user in the connection string.");
        MongoIdentityEvidence evidence = options.Password is { } password ? new PasswordEvidence(password)
            : existing?.Evidence as PasswordEvidence
            ?? throw new MongoSessConfigurationException($"A password is needed for the MongoDB user '{username}': set MongoSessOptions.Password or put it in the connection string.");
        // the auth spec: the credential's source is authSource, else the connection string's database, else admin
        var source = existing?.Source ?? authSource ?? urlDatabase ?? "admin";
        settings.Credential = new MongoCredential(existing?.Mechanism, new MongoInternalIdentity(source, username), evidence);
    }

    [GeneratedRegex("[?&;]socketTimeoutMS=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SocketTimeoutOption();
}
