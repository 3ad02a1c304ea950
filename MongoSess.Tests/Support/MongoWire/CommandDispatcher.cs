using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// Runs one command as mongod would: faults, authentication, the member's replica-set role, retryable-write
/// deduplication, the command itself, then mongod's error labels and cluster time.
/// </summary>
internal sealed class CommandDispatcher(MongoWireServer server)
{
    public CommandOutcome Run(ConnectionState connection, BsonDocument command, string? database, bool secondaryOk)
    {
        if (command.ElementCount == 0)
        {
            return new CommandOutcome(new MongoCommandError(MongoErrorCodes.CommandNotFound, "no such command: ''").ToReply());
        }
        string name = command.GetElement(0).Name;
        server.Statistics.CommandReceived(name, command);
        var faults = server.Faults;
        if (faults.Take(WireFaultKind.CloseBeforeExecute, name) is not null)
        {
            return CommandOutcome.CloseConnection;
        }
        CommandTable.TryGet(name, out var kind, out var run);
        if (faults.Take(WireFaultKind.Fail, name) is { } fail)
        {
            var failed = new BsonDocument()
                .Add("ok", new BsonDouble(0))
                .Add("errmsg", new BsonString(fail.Message ?? $"Failing command {name} via 'failCommand' failpoint"))
                .Add("code", new BsonInt32(fail.Code))
                .Add("codeName", new BsonString(fail.CodeName ?? MongoErrorCodes.NameOf(fail.Code)));
            return new CommandOutcome(Finish(failed, command, kind, fail.ErrorLabels));
        }
        if (run is null)
        {
            return new CommandOutcome(Finish(new MongoCommandError(MongoErrorCodes.CommandNotFound, $"no such command: '{name}'").ToReply(), command, kind, null));
        }
        if (database is null)
        {
            return new CommandOutcome(new MongoCommandError(40571, "OP_MSG requests require a $db argument").ToReply());
        }
        var context = new CommandContext(server, connection, command, database, secondaryOk);
        var reply = Execute(context, kind, run);
        if (faults.Take(WireFaultKind.CloseAfterExecute, name) is not null)
        {
            return CommandOutcome.CloseConnection;
        }
        var finished = Finish(reply, command, kind, labels: null);
        if (faults.Take(WireFaultKind.Malformed, name) is { } malformed)
        {
            return new CommandOutcome(finished, Malformed: malformed.Malformed);
        }
        return new CommandOutcome(finished);
    }

    private BsonDocument Execute(CommandContext context, CommandKind kind, Func<CommandContext, BsonDocument> run)
    {
        try
        {
            if (kind != CommandKind.NoAuth && server.RequiresAuthentication && context.Connection.AuthenticatedUser is null)
            {
                throw new MongoCommandError(MongoErrorCodes.Unauthorized, $"Command {context.Name} requires authentication");
            }
            CheckRole(context, kind);
            if (kind == CommandKind.RetryableWrite && context.Command.GetValue("txnNumber", null) is { } txn)
            {
                return RunRetryable(context, run, txn);
            }
            return run(context);
        }
        catch (MongoCommandError e)
        {
            return e.ToReply();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidCastException or KeyNotFoundException or NullReferenceException)
        {
            // a gap in the test server, not a fault the test asked for: fail the command visibly instead of dropping the connection
            return new MongoCommandError(MongoErrorCodes.InternalError, $"the test server failed on {context.Name}: {e}").ToReply();
        }
    }

    private void CheckRole(CommandContext context, CommandKind kind)
    {
        if (server.ReplicaSet is null)
        {
            return;
        }
        if (kind is CommandKind.Write or CommandKind.RetryableWrite && !server.IsWritablePrimary)
        {
            throw new MongoCommandError(MongoErrorCodes.NotWritablePrimary, "not primary");
        }
        if (kind == CommandKind.Read && !server.IsWritablePrimary && !context.SecondaryOk)
        {
            throw new MongoCommandError(MongoErrorCodes.NotPrimaryNoSecondaryOk, "not primary and secondaryOk=false");
        }
    }

    // retryable-writes spec: the server remembers each (lsid, txnNumber) result and answers a retry with it; the driver
    // sends a txnNumber only with a retryable write to a replica set, and always with an lsid
    private BsonDocument RunRetryable(CommandContext context, Func<CommandContext, BsonDocument> run, BsonValue txn)
    {
        if (txn is not BsonInt64 number || context.Command.GetValue("lsid", null) is not BsonDocument lsid || lsid.GetValue("id", null) is not { } id)
        {
            throw MongoCommandError.BadValue("the test server expects a txnNumber (long) only with an lsid");
        }
        string session = IdKey.Of(id);
        lock (context.Store.Gate)
        {
            if (context.Store.TryGetRetryableWrite(session, number.Value, out var remembered))
            {
                return remembered.DeepClone().AsBsonDocument;
            }
            var reply = run(context);
            if (reply.GetValue("ok", null) is BsonDouble { Value: 1 })
            {
                context.Store.RememberRetryableWrite(session, number.Value, reply);
            }
            return reply;
        }
    }

    // mongod 4.4+ labels retryable errors of retryable writes itself; a failCommand's own labels replace that
    private BsonDocument Finish(BsonDocument reply, BsonDocument command, CommandKind kind, IReadOnlyList<string>? labels)
    {
        bool failed = reply.GetValue("ok", null) is BsonDouble { Value: 0 };
        if (labels is null && failed && kind == CommandKind.RetryableWrite && command.Contains("txnNumber") && server.Options.MaxWireVersion >= 9
            && reply.GetValue("code", null) is BsonInt32 code && MongoErrorCodes.IsRetryable(code.Value))
        {
            labels = ["RetryableWriteError"];
        }
        if (labels is { Count: > 0 })
        {
            reply.Set("errorLabels", new BsonArray(labels.Select(l => (BsonValue)new BsonString(l))));
        }
        server.ReplicaSet?.AddClusterTime(reply);
        return reply;
    }
}
