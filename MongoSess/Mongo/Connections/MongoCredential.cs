namespace MongoSessions.Mongo.Connections;

/// <summary>A user to authenticate as; <see cref="ToString"/> never shows the password.</summary>
internal sealed record MongoCredential(string Username, string Password, string Source, string? Mechanism)
{
    public override string ToString() => $"{Username}@{Source} ({Mechanism ?? "negotiated"})";
}
