using System.Net;
using System.Runtime.InteropServices;
using MongoSessions;
using MongoSessions.Demo;
using Microsoft.Extensions.Logging;

DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (FormatException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine();
    Console.Error.WriteLine(DemoOptions.Usage);
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

string sessionsDirectory = Path.GetFullPath(options.SessionsDirectory);
Keyring keys;
string keySource;
try
{
    (keys, keySource) = DemoKeys.Load(options.Store, sessionsDirectory);
}
catch (Exception error) when (error is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: cannot load the cookie signing keys: {error.Message}");
    return 1;
}
EncryptionKeyring? encryption = null;
if (Environment.GetEnvironmentVariable("MONGOSESS_ENCRYPTION_KEYS") is { Length: > 0 } encryptionKeys)
{
    try
    {
        encryption = EncryptionKeyring.Parse(encryptionKeys);
    }
    catch (ArgumentException error)
    {
        // the message names keys by position or id, never by value
        Console.Error.WriteLine($"error: MONGOSESS_ENCRYPTION_KEYS: {error.Message}");
        return 1;
    }
}

// Ctrl+C and SIGTERM (docker stop, systemd) stop the server the same way
using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    // the first signal stops gracefully; a second one falls through to the default and kills the process
    if (!stopping.IsCancellationRequested)
    {
        signal.Cancel = true;
        Console.WriteLine("stopping...");
        stopping.Cancel();
    }
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

using var loggerFactory = new ConsoleErrorLoggerFactory(LogLevel.Warning);
// the demo's lifetimes: a session ends with the browser and after 30 minutes without a request, unless the login
// ticked "remember me" (DemoRoutes: 30 days, with a persistent cookie)
var sessionOptions = new MongoSessOptions
{
    Cookie = new SessionCookieOptions { Keys = keys, MaxAge = TimeSpan.Zero },
    Expires = TimeSpan.FromMinutes(30),
    LoggerFactory = loggerFactory,
    Encryption = encryption,
};
string storeName;
string storeDescription;
try
{
    switch (options.Store)
    {
        case DemoStoreKind.MongoDb:
            sessionOptions.ConnectionString = options.MongoUri ?? Environment.GetEnvironmentVariable("MONGODB_URI") ?? "mongodb://localhost:27017";
            await MongoSess.ConnectAsync(sessionOptions, stopping.Token);
            (storeName, storeDescription) = ("MongoDB store", "MongoDB store");
            break;
        case DemoStoreKind.Memory:
            await MongoSess.ConnectAsync(new MemorySessionStore(), sessionOptions, stopping.Token);
            (storeName, storeDescription) = ("memory store", "memory store");
            break;
        default:
            await MongoSess.ConnectAsync(new FileSessionStore(sessionsDirectory, loggerFactory), sessionOptions, stopping.Token);
            (storeName, storeDescription) = ("file store", $"file store: {sessionsDirectory}");
            break;
    }
}
catch (MongoSessException error)
{
    // MongoSess's messages name the problem and never contain the password
    Console.Error.WriteLine($"error: cannot connect the session store: {error.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("stopped before the session store was connected");
    return 1;
}

// loopback only; HttpListener matches the Host header, so each name a browser may use needs its own prefix
string url = $"http://localhost:{options.Port}/";
using var listener = new HttpListener();
listener.Prefixes.Add(url);
listener.Prefixes.Add($"http://127.0.0.1:{options.Port}/");
try
{
    listener.Start();
}
catch (HttpListenerException error)
{
    Console.Error.WriteLine($"error: cannot listen on port {options.Port}: {error.Message} (try another --port)");
    await MongoSess.CloseAsync();
    return 1;
}

Console.WriteLine(keySource);
Console.WriteLine(encryption is null ? "encryption at rest: off" : $"encryption at rest: on (key {encryption.CurrentKeyId})");
Console.WriteLine($"MongoSess demo listening on {url} ({storeDescription})");
Console.WriteLine("press Ctrl+C to stop");

await new DemoHost(listener, new DemoRoutes(storeName)).RunAsync(stopping.Token);
listener.Close();
await MongoSess.CloseAsync();
Console.WriteLine("stopped");
return 0;
