using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>delete: each statement <c>{ q, limit: 0 | 1 }</c>; reply <c>{ n, writeErrors?, ok: 1 }</c>.</summary>
internal static class DeleteCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var statements = WriteErrorList.Statements(context, "deletes");
        var errors = new WriteErrorList();
        int n;
        lock (context.Store.Gate)
        {
            n = errors.RunEach(statements.Count, i => RunOne(context, statements[i]));
        }
        var reply = new BsonDocument().Add("n", new BsonInt32(n));
        errors.AppendTo(reply);
        return reply.Add("ok", new BsonDouble(1));
    }

    private static int RunOne(CommandContext context, BsonValue statement)
    {
        if (statement is not BsonDocument s || s.GetValue("q", null) is not BsonDocument filter)
        {
            throw new MongoCommandError(40414, "BSON field 'delete.deletes.q' is missing but a required field");
        }
        if (s.GetValue("limit", null) is not { } limitValue || !BsonNumber.IsNumber(limitValue) || BsonNumber.ToDouble(limitValue) is not (0 or 1))
        {
            throw MongoCommandError.Parse($"The limit field in delete objects must be 0 or 1. Got {ShellText.Of(s.GetValue("limit", null) ?? BsonNull.Value)}");
        }
        var collection = context.Store.Find(context.Database, context.Collection);
        if (collection is null)
        {
            return 0;
        }
        var targets = collection.Matching(filter);
        var list = (BsonNumber.ToDouble(limitValue) == 1 ? targets.Take(1) : targets).ToList();
        foreach (var document in list)
        {
            collection.Remove(document);
        }
        return list.Count;
    }
}
