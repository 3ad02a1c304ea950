using System.Net;
using MongoDB.Driver;

namespace MongoSessions;

/// <summary>
/// Turns the driver's exceptions into MongoSess's documented ones (the driver's stays as the inner exception), so an
/// application catches one family whatever the store: <see cref="MongoSessConnectionException"/> for a server that
/// cannot be reached or answers nonsense, <see cref="MongoSessCommandException"/> for a server's refusal,
/// <see cref="MongoSessAuthenticationException"/> for rejected credentials.
/// </summary>
internal static class MongoErrors
{
    /// <summary>True for the exceptions <see cref="Translate"/> handles.</summary>
    public static bool IsDriverError(Exception e) => e is MongoException or TimeoutException;

    public static MongoSessException Translate(Exception e)
    {
        switch (e)
        {
            case MongoAuthenticationException:
                return new MongoSessAuthenticationException("MongoDB refused the credentials: " + e.Message, e);
            case MongoConnectionException when FindInner<MongoAuthenticationException>(e) is { } auth:
                return new MongoSessAuthenticationException("MongoDB refused the credentials: " + auth.Message, e);
            case MongoWriteException { WriteError: { } error }:
                return new MongoSessCommandException(error.Code, null, error.Message, e);
            case MongoCommandException command:
                return new MongoSessCommandException(command.Code, command.CodeName, command.ErrorMessage ?? command.Message, e);
            case MongoConfigurationException:
                return new MongoSessConfigurationException(e.Message, e);
            case MongoConnectionException connection:
                return new MongoSessConnectionException($"The connection to the MongoDB server at {Describe(connection.ConnectionId?.ServerId?.EndPoint)} failed: {connection.Message}{Cause(connection)}", e);
            case TimeoutException or MongoClientException or MongoServerException:
                return new MongoSessConnectionException("MongoDB could not be reached or did not answer: " + e.Message, e);
            default:
                return new MongoSessException("MongoDB failed: " + e.Message, e);
        }
    }

    private static string Describe(EndPoint? endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => "(unknown)",
        _ => endPoint.ToString() ?? "(unknown)",
    };

    // the innermost exception says what broke (an ended stream, a bad length, malformed BSON): never data, only structure
    private static string Cause(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return ReferenceEquals(inner, e) ? "" : $" ({inner.GetType().Name}: {inner.Message})";
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
