namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>Injects one fault into the next matching command of a MongoDB deployment: the wire server's knobs, or a real server's <c>failCommand</c>.</summary>
public interface IMongoFaults
{
    /// <summary>The connection closes when the command arrives, before the server runs it.</summary>
    Task CloseBeforeExecuteAsync(string command);

    /// <summary>The server applies the write, then the client gets a retryable error instead of the reply.</summary>
    Task FailAfterExecuteAsync(string command);

    /// <summary>The server answers <c>NotWritablePrimary</c> (10107) with the <c>RetryableWriteError</c> label without running the command.</summary>
    Task NotWritablePrimaryAsync(string command);
}
