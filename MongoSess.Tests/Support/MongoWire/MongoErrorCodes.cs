namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>The mongod error codes the test server uses, with mongod's codeName for each and for the retryable ones.</summary>
internal static class MongoErrorCodes
{
    public const int InternalError = 1;
    public const int BadValue = 2;
    public const int FailedToParse = 9;
    public const int Unauthorized = 13;
    public const int TypeMismatch = 14;
    public const int ProtocolError = 17;
    public const int AuthenticationFailed = 18;
    public const int PathNotViable = 28;
    public const int ConflictingUpdateOperators = 40;
    public const int CursorNotFound = 43;
    public const int ImmutableField = 66;
    public const int CommandNotFound = 59;
    public const int CannotCreateIndex = 67;
    public const int IndexOptionsConflict = 85;
    public const int MechanismUnavailable = 334;
    public const int NotWritablePrimary = 10107;
    public const int BsonObjectTooLarge = 10334;
    public const int DuplicateKey = 11000;
    public const int NotPrimaryNoSecondaryOk = 13435;
    public const int UpdateResultTooLarge = 17419;
    public const int UnrecognizedPipelineStage = 40324;

    private static readonly Dictionary<int, string> s_names = new()
    {
        [InternalError] = "InternalError",
        [BadValue] = "BadValue",
        [FailedToParse] = "FailedToParse",
        [Unauthorized] = "Unauthorized",
        [TypeMismatch] = "TypeMismatch",
        [ProtocolError] = "ProtocolError",
        [AuthenticationFailed] = "AuthenticationFailed",
        [PathNotViable] = "PathNotViable",
        [ConflictingUpdateOperators] = "ConflictingUpdateOperators",
        [CursorNotFound] = "CursorNotFound",
        [ImmutableField] = "ImmutableField",
        [CommandNotFound] = "CommandNotFound",
        [CannotCreateIndex] = "CannotCreateIndex",
        [IndexOptionsConflict] = "IndexOptionsConflict",
        [MechanismUnavailable] = "MechanismUnavailable",
        [NotWritablePrimary] = "NotWritablePrimary",
        [BsonObjectTooLarge] = "BSONObjectTooLarge",
        [DuplicateKey] = "DuplicateKey",
        [NotPrimaryNoSecondaryOk] = "NotPrimaryNoSecondaryOk",
        // the other retryable codes, which tests may inject
        [6] = "HostUnreachable",
        [7] = "HostNotFound",
        [89] = "NetworkTimeout",
        [91] = "ShutdownInProgress",
        [189] = "PrimarySteppedDown",
        [262] = "ExceededTimeLimit",
        [9001] = "SocketException",
        [11600] = "InterruptedAtShutdown",
        [11602] = "InterruptedDueToReplStateChange",
        [13436] = "NotPrimaryOrSecondary",
    };

    // retryable-writes spec, "Determining Retryable Errors"
    private static readonly HashSet<int> s_retryable = [11600, 11602, 10107, 13435, 13436, 189, 91, 7, 6, 89, 9001, 262];

    /// <summary>mongod's name for the code; codes raised by a bare assertion are named "Location&lt;code&gt;".</summary>
    public static string NameOf(int code) => s_names.TryGetValue(code, out var name) ? name : $"Location{code}";

    public static bool IsRetryable(int code) => s_retryable.Contains(code);
}
