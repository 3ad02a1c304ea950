namespace MongoSessions.Sessions;

/// <summary>A session's own lifetime ("remember me"): its idle timeout, and whether its cookie ends with the browser.</summary>
internal readonly record struct SessionLifetime(TimeSpan IdleTimeout, bool BrowserSession);
