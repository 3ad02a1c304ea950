namespace MongoSessions.Diagnostics;

/// <summary>A store operation as metrics and traces name it: the <c>operation</c> tag and the activity name.</summary>
internal sealed class StoreOperationName
{
    public static readonly StoreOperationName Load = new("load");
    public static readonly StoreOperationName Update = new("update");
    public static readonly StoreOperationName End = new("end");
    public static readonly StoreOperationName Count = new("count");
    public static readonly StoreOperationName List = new("list");
    public static readonly StoreOperationName Clear = new("clear");
    public static readonly StoreOperationName RemoveExpired = new("remove_expired");
    public static readonly StoreOperationName EndWhere = new("end_where");
    public static readonly StoreOperationName EndByUser = new("end_by_user");

    private StoreOperationName(string tag)
    {
        Tag = tag;
        ActivityName = "MongoSess store." + tag;
    }

    public string Tag { get; }

    public string ActivityName { get; }
}
