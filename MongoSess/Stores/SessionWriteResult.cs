namespace MongoSessions;

/// <summary>
/// What a store reports after <see cref="ISessionStore.UpdateAsync"/>: enough for MongoSess to answer the request
/// without reading the session back.
/// </summary>
public sealed class SessionWriteResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="values">Session data holding at least the new value of every <see cref="SessionOperationKind.Increment"/> path of the update; a store may return all of the data.</param>
    /// <param name="browserSessionCookie">The session's <see cref="SessionRecord.BrowserSessionCookie"/> after the update.</param>
    public SessionWriteResult(SessionData values, bool browserSessionCookie)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
        BrowserSessionCookie = browserSessionCookie;
    }

    /// <summary>At least the new value of every incremented path.</summary>
    public SessionData Values { get; }

    /// <summary>Whether the session's cookie is a browser-session cookie.</summary>
    public bool BrowserSessionCookie { get; }

    /// <summary>The result for a store that has the whole record at hand; the record's data must be the caller's to keep.</summary>
    public static SessionWriteResult From(SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new SessionWriteResult(record.Data, record.BrowserSessionCookie);
    }
}
