using MongoSessions.Bson;

namespace MongoSessions.Mongo.Auth;

/// <summary>
/// Runs a SCRAM conversation over <c>saslStart</c>/<c>saslContinue</c> (auth spec, "SASL Mechanisms" and the SCRAM
/// sections). Every failure is a <see cref="MongoSessAuthenticationException"/> or, for a password SASLprep refuses, a
/// <see cref="MongoSessConfigurationException"/>; no message contains the password or anything derived from it.
/// </summary>
internal static class ScramAuthenticator
{
    // MongoDB's AuthenticationFailed
    private const int AuthenticationFailedCode = 18;

    /// <summary>
    /// Authenticates <paramref name="username"/> against the <paramref name="source"/> database with the shared key cache.
    /// <paramref name="runCommand"/> sends a command and returns its reply, throwing <see cref="MongoSessCommandException"/> for ok: 0.
    /// </summary>
    public static Task AuthenticateAsync(
        Func<BsonDocument, CancellationToken, Task<BsonDocument>> runCommand,
        string username,
        string password,
        string source,
        ScramMechanism mechanism,
        CancellationToken cancellationToken) =>
        AuthenticateAsync(runCommand, username, password, source, mechanism, ScramKeyCache.Shared, ScramClientFirst.NewNonce, cancellationToken);

    /// <summary>The conversation with its cache and nonce source chosen by the caller (tests inject both).</summary>
    public static async Task AuthenticateAsync(
        Func<BsonDocument, CancellationToken, Task<BsonDocument>> runCommand,
        string username,
        string password,
        string source,
        ScramMechanism mechanism,
        ScramKeyCache keyCache,
        Func<string> newNonce,
        CancellationToken cancellationToken)
    {
        string preparedPassword = PreparePassword(mechanism, username, password);
        var clientFirst = new ScramClientFirst(username, newNonce());
        var conversation = new SaslConversation(runCommand, username, source, mechanism);

        var serverFirstReply = await conversation.StartAsync(clientFirst.ToBytes(), cancellationToken).ConfigureAwait(false);
        if (serverFirstReply.Done)
        {
            throw new MongoSessAuthenticationException($"The server ended the {mechanism.Name} conversation before the client proved the password.");
        }

        var serverFirst = ScramServerFirst.Parse(serverFirstReply.Payload, clientFirst.ClientNonce);
        var clientFinal = ScramClientFinal.Create(mechanism, clientFirst, serverFirst, preparedPassword, keyCache);

        var serverFinalReply = await conversation.ContinueAsync(clientFinal.ToBytes(), cancellationToken).ConfigureAwait(false);
        ScramServerVerification.Verify(serverFinalReply.Payload, clientFinal.ExpectedServerSignature);
        if (serverFinalReply.Done)
        {
            return;
        }

        // auth spec, "Backwards Compatibility": a server that ignores skipEmptyExchange wants one more, empty, round trip
        var lastReply = await conversation.ContinueAsync([], cancellationToken).ConfigureAwait(false);
        if (!lastReply.Done)
        {
            throw new MongoSessAuthenticationException($"The server did not end the {mechanism.Name} conversation after verifying the password.");
        }
    }

    private static string PreparePassword(ScramMechanism mechanism, string username, string password)
    {
        try
        {
            return mechanism.PreparePassword(username, password);
        }
        catch (SaslPrepException ex)
        {
            throw new MongoSessConfigurationException($"The password cannot be used with {mechanism.Name}: {ex.Message}", ex);
        }
    }

    internal static MongoSessAuthenticationException Failed(MongoSessCommandException ex, string username, string source, ScramMechanism mechanism) =>
        ex.Code == AuthenticationFailedCode
            ? new MongoSessAuthenticationException($"Authentication failed for user '{username}' on database '{source}'.", ex)
            : new MongoSessAuthenticationException(
                $"{mechanism.Name} authentication of user '{username}' on database '{source}' failed: {ex.Message}", ex);
}
