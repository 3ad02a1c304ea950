namespace MongoSessions.Mongo.Connections;

/// <summary>Opens the byte stream to a server: the seam where tests put TLS or a fake in.</summary>
internal interface IStreamOpener
{
    /// <exception cref="MongoSessConnectionException">The server cannot be reached, or TLS failed.</exception>
    Task<Stream> OpenAsync(MongoEndPoint endPoint, ConnectionSettings settings, CancellationToken cancellationToken);
}
