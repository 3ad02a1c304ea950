using System.Net;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions;

/// <summary>
/// Turns the driver's exceptions into MongoSess's documented ones (the driver's stays as the inner exception), so an
/// application catches one family whatever the store: <see cref="MongoSessConnectionException"/> for a server that
/// cannot be reached or answers nonsense, <see cref="MongoSessCommandException"/> for a server's refusal,
/// <see cref="MongoSessAuthenticationException"/> for rejected credentials. Messages are one line each, name the
/// servers, and carry no stack trace, password or session data.
/// </summary>
internal static class MongoErrors
{
    /// <summary>
    /// True for the exceptions <see cref="Translate"/> handles: the driver's own, and the bare ones it lets through when
    /// a reply cannot be decoded (a stream that ends early, a length out of range, malformed BSON).
    /// </summary>
    public static bool IsDriverError(Exception e) =>
        e is MongoException or TimeoutException or FormatException or EndOfStreamException or IOException or ArgumentOutOfRangeException or BsonException;

    /// <param name="e">The driver's exception.</param>
    /// <param name="client">The client that threw it, whose settings and view of the servers the message uses.</param>
    public static MongoSessException Translate(Exception e, IMongoClient client)
    {
        var settings = client.Settings;
        string servers = string.Join(", ", settings.Servers);
        switch (e)
        {
            // a rejected login carries the server's AuthenticationFailed reply; anything else broke the conversation
            case MongoAuthenticationException when e.InnerException is null or MongoCommandException:
                return new MongoSessAuthenticationException(
                    $"MongoDB at {servers} refused the credentials of user '{settings.Credential?.Username}': {(e.InnerException as MongoCommandException)?.ErrorMessage ?? e.Message}", e);
            case MongoAuthenticationException:
                return new MongoSessConnectionException($"Authenticating to MongoDB at {servers} failed: {Innermost(e)}", e);
            case MongoConnectionException when FindInner<MongoAuthenticationException>(e) is { } auth:
                return Translate(auth, client);
            case MongoWriteException { WriteError: { } error }:
                return new MongoSessCommandException(error.Code, null, error.Message, e);
            case MongoCommandException command:
                return new MongoSessCommandException(command.Code, command.CodeName, command.ErrorMessage ?? command.Message, e);
            case MongoConfigurationException:
                return new MongoSessConfigurationException(e.Message, e);
            case MongoConnectionException connection:
                return new MongoSessConnectionException($"The connection to MongoDB at {Describe(connection.ConnectionId?.ServerId?.EndPoint)} failed: {connection.Message} ({Innermost(connection)})", e);
            case TimeoutException when e.Message.Contains("selecting a server", StringComparison.Ordinal):
                return new MongoSessConnectionException(
                    $"No suitable MongoDB server was found within {settings.ServerSelectionTimeout.TotalMilliseconds:0} ms (serverSelectionTimeoutMS). {ServerStates(client)}", e);
            case TimeoutException when e.Message.Contains("waiting for a connection", StringComparison.OrdinalIgnoreCase):
                return new MongoSessConnectionException(
                    $"All {settings.MaxConnectionPoolSize} connections to MongoDB at {servers} stayed busy for {settings.WaitQueueTimeout.TotalMilliseconds:0} ms (maxPoolSize, waitQueueTimeoutMS).", e);
            case TimeoutException or MongoClientException or MongoServerException:
                return new MongoSessConnectionException($"MongoDB at {servers} did not answer: {FirstLine(e.Message)}", e);
            case FormatException or EndOfStreamException or IOException or ArgumentOutOfRangeException or BsonException:
                return new MongoSessConnectionException($"A reply from MongoDB at {servers} could not be read ({e.GetType().Name}: {FirstLine(e.Message)}); the connection was dropped.", e);
            default:
                return new MongoSessException($"MongoDB at {servers} failed: {FirstLine(e.Message)}", e);
        }
    }

    // what the driver last saw of each server: its type, or the first line of why it could not be reached
    private static string ServerStates(IMongoClient client)
    {
        try
        {
            return string.Join(" ", client.Cluster.Description.Servers.Select(server =>
                $"{Describe(server.EndPoint)}: {(server.HeartbeatException is { } failure ? Innermost(failure) : server.Type.ToString())}."));
        }
        catch (ObjectDisposedException)
        {
            return "";
        }
    }

    private static string Describe(EndPoint? endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => "(unknown)",
        _ => endPoint.ToString() ?? "(unknown)",
    };

    // the innermost exception says what broke (a refused connection, an ended stream, a bad length, malformed BSON)
    private static string Innermost(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return $"{inner.GetType().Name}: {FirstLine(inner.Message)}";
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd();
    }

    private static T? FindInner<T>(Exception e)
        where T : Exception
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is T found)
            {
                return found;
            }
        }
        return null;
    }
}
