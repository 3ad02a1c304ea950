using System.Collections.Concurrent;
using MongoSessions.Bson;

namespace MongoSessions.Mongo;

/// <summary>
/// Server sessions (lsid) for retryable writes: one per operation in flight, reused afterwards with a growing
/// txnNumber, as the driver sessions spec describes. A session is only ever used by one operation at a time.
/// </summary>
internal sealed class ServerSessionPool
{
    private readonly ConcurrentStack<ServerSession> _sessions = new();

    public ServerSession Acquire(int? logicalSessionTimeoutMinutes)
    {
        while (_sessions.TryPop(out var session))
        {
            // sessions spec: do not reuse a session about to time out on the server (within a minute of it)
            if (logicalSessionTimeoutMinutes is not { } minutes || Environment.TickCount64 - session.LastUsedTicks < (minutes - 1) * 60_000L)
            {
                return session;
            }
        }
        return new ServerSession();
    }

    public void Release(ServerSession session)
    {
        session.LastUsedTicks = Environment.TickCount64;
        _sessions.Push(session);
    }

    /// <summary>The ids of every pooled session, for endSessions at shutdown.</summary>
    public IReadOnlyList<BsonDocument> DrainIds()
    {
        var ids = new List<BsonDocument>();
        while (_sessions.TryPop(out var session))
        {
            ids.Add(session.Id);
        }
        return ids;
    }
}
