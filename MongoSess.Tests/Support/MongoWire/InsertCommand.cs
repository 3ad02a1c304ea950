using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>insert: <c>{ n, writeErrors?, ok: 1 }</c>; _id is always stored first.</summary>
internal static class InsertCommand
{
    public const int MaxWriteBatchSize = 100_000;

    public static BsonDocument Run(CommandContext context)
    {
        var documents = WriteErrorList.Statements(context, "documents");
        var errors = new WriteErrorList();
        int n;
        lock (context.Store.Gate)
        {
            var collection = context.Store.GetOrCreate(context.Database, context.Collection);
            n = errors.RunEach(documents.Count, i =>
            {
                collection.Insert(Prepare(documents[i]));
                return 1;
            });
        }
        var reply = new BsonDocument().Add("n", new BsonInt32(n));
        errors.AppendTo(reply);
        return reply.Add("ok", new BsonDouble(1));
    }

    private static BsonDocument Prepare(BsonValue value)
    {
        // the driver gives every document an _id before it sends it
        if (value is not BsonDocument document || document.GetValue("_id", null) is not { } id)
        {
            throw MongoCommandError.BadValue("the test server only inserts documents that have an _id");
        }
        if (id is BsonArray)
        {
            throw MongoCommandError.BadValue("can't use an array for _id");
        }
        var stored = new BsonDocument().Add("_id", id.DeepClone());
        foreach (var element in document)
        {
            if (element.Name != "_id")
            {
                stored.Add(element.Name, element.Value.DeepClone());
            }
        }
        return stored;
    }
}
