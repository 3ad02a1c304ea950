namespace MongoSessions;

/// <summary>
/// What a store reports after <see cref="ISessionStore.UpdateAsync"/>: enough for MongoSess to answer the request
/// without reading the session back.
/// </summary>
public sealed class SessionWriteResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="values">
    /// The new value of every <see cref="SessionOperationKind.Increment"/> path and the old value of every
    /// <see cref="SessionOperationKind.Pull"/> path that existed, at their paths; <see cref="SessionData.Apply"/> returns exactly this.
    /// </param>
    /// <param name="browserSessionCookie">The session's <see cref="SessionRecord.BrowserSessionCookie"/> after the update.</param>
    public SessionWriteResult(SessionData values, bool browserSessionCookie)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
        BrowserSessionCookie = browserSessionCookie;
    }

    /// <summary>The new values of incremented paths and the old values of pulled paths.</summary>
    public SessionData Values { get; }

    /// <summary>Whether the session's cookie is a browser-session cookie.</summary>
    public bool BrowserSessionCookie { get; }
}
