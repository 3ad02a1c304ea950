using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>The writeErrors of a write command reply: <c>[{ index, code, codeName, keyPattern?, keyValue?, errmsg }]</c>.</summary>
internal sealed class WriteErrorList
{
    private readonly BsonArray _errors = [];

    private void Add(int index, MongoCommandError error)
    {
        var entry = new BsonDocument()
            .Add("index", new BsonInt32(index))
            .Add("code", new BsonInt32(error.Code))
            .Add("codeName", new BsonString(MongoErrorCodes.NameOf(error.Code)));
        foreach (var element in error.Extra ?? [])
        {
            entry.Add(element.Name, element.Value);
        }
        entry.Add("errmsg", new BsonString(error.Message));
        _errors.Add(entry);
    }

    /// <summary>
    /// Runs each statement in turn and stops at the first that fails, recording its write error, as mongod does for
    /// an ordered batch (the driver's default, and all the store sends).
    /// </summary>
    /// <returns>The sum of what the successful statements returned (the reply's <c>n</c>).</returns>
    public int RunEach(int count, Func<int, int> runOne)
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            try
            {
                n += runOne(i);
            }
            catch (MongoCommandError e)
            {
                Add(i, e);
                break;
            }
        }
        return n;
    }

    public void AppendTo(BsonDocument reply)
    {
        if (_errors.Count > 0)
        {
            reply.Add("writeErrors", _errors);
        }
    }

    /// <summary>The statements of a write command, checked against maxWriteBatchSize as mongod does.</summary>
    public static BsonArray Statements(CommandContext context, string field)
    {
        var statements = context.Array(field)
            ?? throw new MongoCommandError(40414, $"BSON field '{context.Name}.{field}' is missing but a required field");
        if (statements.Count is 0 or > InsertCommand.MaxWriteBatchSize)
        {
            throw new MongoCommandError(16, $"Write batch sizes must be between 1 and {InsertCommand.MaxWriteBatchSize}. Got {statements.Count} operations.");
        }
        if (context.Command.GetValue("ordered", null) is { } ordered && !FilterMatcher.IsTruthy(ordered))
        {
            throw MongoCommandError.BadValue("the test server only runs ordered writes");
        }
        return statements;
    }
}
