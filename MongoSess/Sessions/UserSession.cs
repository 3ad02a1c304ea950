namespace MongoSessions;

/// <summary>One of a user's live sessions, as a "where you're signed in" page shows it.</summary>
/// <param name="Key">The session's key (<see cref="SessionRecord.Id"/>); not a credential.</param>
/// <param name="CreatedAt">When the session started (the login).</param>
/// <param name="LastSeen">When it was last used, to the precision of <see cref="MongoSessOptions.TouchAfter"/> for requests that only read.</param>
/// <param name="ExpiresAt">When it ends unless used again (or its absolute deadline, if earlier).</param>
/// <param name="ClientInfo">What the application recorded with <see cref="MongoSess.SetUserAsync"/> (a user agent, an address); empty when nothing.</param>
/// <param name="IsCurrent">True for the session of the request that asked.</param>
public sealed record UserSession(
    string Key, DateTimeOffset CreatedAt, DateTimeOffset LastSeen, DateTimeOffset ExpiresAt, IReadOnlyDictionary<string, string> ClientInfo, bool IsCurrent);
