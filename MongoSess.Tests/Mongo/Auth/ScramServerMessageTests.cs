using System.Text;
using MongoSessions.Bson;
using MongoSessions.Mongo.Auth;

namespace MongoSessions.Tests.Mongo.Auth;

/// <summary>A broken or hostile server: every malformed or wrong message is an authentication error without the password.</summary>
[TestFixture]
public sealed class ScramServerMessageTests
{
    private const string Password = "pencil-Secret-42";
    private const string ClientNonce = "Q2xpZW50Tm9uY2VPZlR3ZW50eUZvdXJCeXQ";

    private static Task AuthenticateAsync(Func<BsonDocument, CancellationToken, Task<BsonDocument>> runCommand) =>
        ScramAuthenticator.AuthenticateAsync(
            runCommand, "ann", Password, "admin", ScramMechanism.Sha256, new ScramKeyCache(4), () => ClientNonce, CancellationToken.None);

    private static FakeScramServer Server(Func<string, string>? serverFirst = null, Func<string, string>? serverFinal = null, int iterations = 4096)
    {
        var server = new FakeScramServer
        {
            Iterations = iterations,
            RewriteServerFirst = serverFirst ?? (m => m),
            RewriteServerFinal = serverFinal ?? (m => m),
        };
        server.AddUser("admin", "ann", Password, "SCRAM-SHA-256");
        return server;
    }

    private static MongoSessAuthenticationException Refused(Func<BsonDocument, CancellationToken, Task<BsonDocument>> runCommand)
    {
        var ex = Assert.ThrowsAsync<MongoSessAuthenticationException>(() => AuthenticateAsync(runCommand));
        Assert.That(ex!.ToString(), Does.Not.Contain(Password));
        return ex;
    }

    private static string Attribute(string message, char name) =>
        message.Split(',').Single(part => part[0] == name);

    private static IEnumerable<TestCaseData> BadServerFirsts()
    {
        yield return Case(m => "r=AAAA" + m[m.IndexOf(',')..], "nonce", "a nonce that does not start with ours");
        yield return Case(m => $"r={ClientNonce}" + m[m.IndexOf(',')..], "nonce", "our nonce with nothing added");
        yield return Case(m => $"r={ClientNonce}a,b" + m[m.IndexOf(',')..], "attribute", "a nonce with a comma");
        yield return Case(m => m.Replace(",i=4096", ",i=4095", StringComparison.Ordinal), "4096", "4095 iterations");
        yield return Case(m => m.Replace(",i=4096", ",i=-4096", StringComparison.Ordinal), "iteration count", "a negative count");
        yield return Case(m => m.Replace(",i=4096", ",i=4096x", StringComparison.Ordinal), "iteration count", "a count with a letter");
        yield return Case(m => m.Replace(",i=4096", ",i=99999999999", StringComparison.Ordinal), "iteration count", "a count past int");
        yield return Case(m => m.Replace(",i=4096", ",i= 4096", StringComparison.Ordinal), "iteration count", "a count with a space");
        yield return Case(m => m.Replace(Attribute(m, 's'), "s=not*base64", StringComparison.Ordinal), "salt", "a salt outside base64");
        yield return Case(m => m.Replace(Attribute(m, 's'), "s=QSXCR+Q6sek8bf9", StringComparison.Ordinal), "salt", "a salt of bad length");
        yield return Case(m => m.Replace(Attribute(m, 's'), "s= QSXCR+Q6sek8bf92", StringComparison.Ordinal), "salt", "a salt with a space");
        yield return Case(m => m.Replace(Attribute(m, 's'), "s=", StringComparison.Ordinal), "salt", "an empty salt");
        yield return Case(m => m.Replace("," + Attribute(m, 's'), "", StringComparison.Ordinal), "r=, s= and i=", "no salt");
        yield return Case(m => m.Replace(",i=4096", "", StringComparison.Ordinal), "r=, s= and i=", "no iteration count");
        yield return Case(m => m[m.IndexOf(',')..][1..], "r=, s= and i=", "no nonce");
        yield return Case(m => $"{Attribute(m, 's')},{Attribute(m, 'r')},i=4096", "r=, s= and i=", "attributes out of order");
        yield return Case(m => "m=ext," + m, "extension", "a mandatory extension");
        yield return Case(_ => "", "attribute", "an empty message");
        yield return Case(m => m + ",", "attribute", "a trailing comma");

        static TestCaseData Case(Func<string, string> rewrite, string messagePart, string name) =>
            new TestCaseData(rewrite, messagePart).SetName($"Server-first with {name} is refused");
    }

    [TestCaseSource(nameof(BadServerFirsts))]
    public void Bad_server_first(Func<string, string> rewrite, string messagePart)
    {
        var server = Server(serverFirst: rewrite);
        var ex = Refused(server.RunCommandAsync);
        Assert.That(ex.Message, Does.Contain(messagePart));
        Assert.That(server.Commands, Has.Count.EqualTo(1), "the client must not send a proof");
    }

    [Test]
    public void A_server_asking_for_fewer_than_4096_iterations_is_refused()
    {
        var server = Server(iterations: 1000);
        var ex = Refused(server.RunCommandAsync);
        Assert.That(ex.Message, Is.EqualTo("The server asked for 1000 SCRAM iterations; at least 4096 are required."));
    }

    [Test]
    public async Task Extensions_after_the_iteration_count_are_ignored()
    {
        var server = Server(serverFirst: m => m + ",x=future");
        await AuthenticateAsync(server.RunCommandAsync);
        Assert.That(server.Commands, Has.Count.EqualTo(2));
    }

    [Test]
    public void A_server_error_in_server_final_is_reported()
    {
        var ex = Refused(Server(serverFinal: _ => "e=invalid-proof").RunCommandAsync);
        Assert.That(ex.Message, Does.Contain("rejected").And.Contain("invalid-proof"));
    }

    [Test]
    public void A_wrong_server_signature_is_refused()
    {
        string forged = "v=" + Convert.ToBase64String(new byte[32]);
        var ex = Refused(Server(serverFinal: _ => forged).RunCommandAsync);
        Assert.That(ex.Message, Does.Contain("server signature did not verify"));
    }

    [Test]
    public void A_server_signature_of_the_wrong_length_is_refused()
    {
        var ex = Refused(Server(serverFinal: m => m[..^4]).RunCommandAsync);
        Assert.That(ex.Message, Does.Contain("server signature"));
    }

    [TestCase("", Description = "empty")]
    [TestCase("x=1", Description = "neither v= nor e=")]
    [TestCase("v=***", Description = "signature outside base64")]
    public void A_malformed_server_final_is_refused(string serverFinal)
    {
        var ex = Refused(Server(serverFinal: _ => serverFinal).RunCommandAsync);
        Assert.That(ex.Message, Does.Contain("server-final"));
    }

    [Test]
    public void A_server_first_that_is_not_utf8_is_refused()
    {
        var server = Server();
        var ex = Refused(Rewriting(server, 1, reply => reply.Set("payload", new BsonBinary(0, [0x72, 0x3D, 0xFF, 0xFE]))));
        Assert.That(ex.Message, Does.Contain("UTF-8"));
    }

    private static IEnumerable<TestCaseData> BadReplies()
    {
        yield return new TestCaseData(1, (Action<BsonDocument>)(r => r.Remove("payload"))).SetName("A saslStart reply without payload is refused");
        yield return new TestCaseData(1, (Action<BsonDocument>)(r => r.Set("payload", new BsonString("cj0=")))).SetName("A string payload is refused");
        yield return new TestCaseData(1, (Action<BsonDocument>)(r => r.Remove("done"))).SetName("A reply without done is refused");
        yield return new TestCaseData(1, (Action<BsonDocument>)(r => r.Set("conversationId", new BsonString("1")))).SetName("A string conversationId is refused");
        yield return new TestCaseData(1, (Action<BsonDocument>)(r => r.Set("done", BsonBoolean.True))).SetName("A server done before the proof is refused");
        yield return new TestCaseData(2, (Action<BsonDocument>)(r => r.Set("conversationId", new BsonInt32(2)))).SetName("A changed conversationId is refused");
        yield return new TestCaseData(2, (Action<BsonDocument>)(r => r.Remove("payload"))).SetName("A saslContinue reply without payload is refused");
    }

    [TestCaseSource(nameof(BadReplies))]
    public void Bad_reply(int replyNumber, object rewrite)
    {
        var ex = Refused(Rewriting(Server(), replyNumber, (Action<BsonDocument>)rewrite));
        Assert.That(ex.Message, Does.Contain("SCRAM-SHA-256"));
    }

    [Test]
    public void A_server_that_never_says_done_is_refused()
    {
        var server = new FakeScramServer { SupportsSkipEmptyExchange = false };
        server.AddUser("admin", "ann", Password, "SCRAM-SHA-256");
        var ex = Refused(Rewriting(server, 3, reply => reply.Set("done", BsonBoolean.False)));
        Assert.That(ex.Message, Does.Contain("did not end"));
    }

    [Test]
    public void A_command_error_other_than_authentication_failed_keeps_the_server_message()
    {
        Task<BsonDocument> Unavailable(BsonDocument command, CancellationToken cancellationToken) =>
            throw new MongoSessCommandException(334, "MechanismUnavailable", "Received authentication for mechanism SCRAM-SHA-256 which is unknown");
        var ex = Refused(Unavailable);
        Assert.That(ex.Message, Does.Contain("user 'ann' on database 'admin'").And.Contain("MechanismUnavailable"));
        Assert.That(ex.InnerException, Is.TypeOf<MongoSessCommandException>());
    }

    private static Func<BsonDocument, CancellationToken, Task<BsonDocument>> Rewriting(
        FakeScramServer server, int replyNumber, Action<BsonDocument> rewrite)
    {
        int replies = 0;
        return async (command, cancellationToken) =>
        {
            var reply = await server.RunCommandAsync(command, cancellationToken);
            if (++replies == replyNumber)
            {
                rewrite(reply);
            }
            return reply;
        };
    }

    [Test]
    public void Refusals_never_show_the_proof_or_the_client_final_message()
    {
        var server = Server(serverFinal: _ => "e=other-error");
        var ex = Refused(server.RunCommandAsync);
        string clientFinal = Encoding.UTF8.GetString(((BsonBinary)server.Commands[1]["payload"]!).Data);
        string proof = clientFinal[(clientFinal.IndexOf(",p=", StringComparison.Ordinal) + 3)..];
        Assert.That(ex.ToString(), Does.Not.Contain(proof));
    }
}
