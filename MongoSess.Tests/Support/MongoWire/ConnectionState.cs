namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>What the server remembers about one client connection between its commands.</summary>
internal sealed class ConnectionState(int id)
{
    public int Id { get; } = id;

    /// <summary>"db.user" once a SCRAM conversation on this connection succeeded.</summary>
    public string? AuthenticatedUser { get; set; }

    public ScramServerConversation? Conversation { get; set; }
}
