using MongoSessions.Sessions;

namespace MongoSessions;

// "where you're signed in": a session tied to a user, that user's sessions, and logging the others out
public sealed partial class MongoSess
{
    /// <summary>
    /// Ties this session to a user (usually at login, after <see cref="RegenerateAsync"/>), with optional client
    /// details the application chooses to record (a user agent, an IP address), so that
    /// <see cref="ListUserSessionsAsync(CancellationToken)"/> and <see cref="EndOtherSessionsAsync"/> find it. The user id is
    /// indexed in every store. Creates the session when there is none.
    /// </summary>
    /// <exception cref="ArgumentException">The user id is empty.</exception>
    public Task SetUserAsync(string userId, IReadOnlyDictionary<string, string>? clientInfo = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _session.WriteAsync([], create: true, cancellationToken, userId: userId, clientInfo: clientInfo ?? new Dictionary<string, string>());
    }

    /// <summary>
    /// The live sessions of this session's user (<see cref="SetUserAsync"/>), this one marked <see cref="UserSession.IsCurrent"/>;
    /// empty when the session is tied to no user. Reads only that user's sessions.
    /// </summary>
    public async Task<IReadOnlyList<UserSession>> ListUserSessionsAsync(CancellationToken cancellationToken = default)
    {
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return record?.UserId is { } user ? await _session.Client.UserSessionsAsync(user, record.Id, cancellationToken).ConfigureAwait(false) : [];
    }

    /// <summary>
    /// Ends every other session of this session's user ("log out my other devices", ASVS 7.5.2), in one store
    /// operation that reads no other user's sessions; this one stays. Nothing when the session is tied to no user.
    /// </summary>
    /// <returns>How many sessions were ended.</returns>
    public async Task<long> EndOtherSessionsAsync(CancellationToken cancellationToken = default)
    {
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (record?.UserId is not { } user)
        {
            return 0;
        }
        return await _session.Client.EndUserSessionsAsync(user, exceptKey: record.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The live sessions of a user (<see cref="MongoSessClient.ListUserSessionsAsync"/> on the default client).</summary>
    public static Task<IReadOnlyList<UserSession>> ListUserSessionsAsync(string userId, CancellationToken cancellationToken = default) =>
        Required.ListUserSessionsAsync(userId, cancellationToken);

    /// <summary>Ends every session of a user (<see cref="MongoSessClient.EndUserSessionsAsync(string, CancellationToken)"/> on the default client).</summary>
    public static Task<long> EndUserSessionsAsync(string userId, CancellationToken cancellationToken = default) =>
        Required.EndUserSessionsAsync(userId, cancellationToken);
}
