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
    /// <param name="absoluteExpiresAt">The session's <see cref="SessionRecord.AbsoluteExpiresAt"/>.</param>
    public SessionWriteResult(SessionData values, bool browserSessionCookie, DateTimeOffset? absoluteExpiresAt = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
        BrowserSessionCookie = browserSessionCookie;
        AbsoluteExpiresAt = absoluteExpiresAt;
    }

    /// <summary>The old values of the flash paths the update pulled, at their paths (the flash counterpart of <see cref="Values"/>).</summary>
    public SessionData FlashValues
    {
        // made on first use: most writes pull no flash entries, and this runs on every one
        get => _flashValues ??= new();
        init => _flashValues = value;
    }

    private SessionData? _flashValues;

    /// <summary>The session's CSRF token after the update; null when it has none.</summary>
    public string? CsrfToken { get; init; }

    /// <summary>The session's absolute expiry, which caps the cookie's lifetime; null without one.</summary>
    public DateTimeOffset? AbsoluteExpiresAt { get; }

    /// <summary>The new values of incremented paths and the old values of pulled paths.</summary>
    public SessionData Values { get; }

    /// <summary>Whether the session's cookie is a browser-session cookie.</summary>
    public bool BrowserSessionCookie { get; }

    /// <summary>
    /// The session's idle expiry after the update, for a store that honours <see cref="SessionUpdate.ExtendOnly"/>;
    /// null when the store does not say, which means it set the update's <see cref="SessionUpdate.ExpiresAt"/> (when
    /// there was one). Equal to the update's <see cref="SessionUpdate.ExpiresAt"/> when this update moved it.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The session's own idle timeout (<see cref="SessionRecord.IdleTimeout"/>); null when it has none.</summary>
    public TimeSpan? IdleTimeout { get; init; }
}
