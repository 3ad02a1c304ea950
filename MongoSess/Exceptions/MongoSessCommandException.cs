namespace MongoSessions;

/// <summary>The MongoDB server answered a command with an error (<c>ok: 0</c>); its code and message are kept.</summary>
public sealed class MongoSessCommandException : MongoSessException
{
    /// <summary>Creates the exception from the server's error fields.</summary>
    public MongoSessCommandException(int code, string? codeName, string serverMessage, Exception? innerException = null)
        : base($"MongoDB error {code}{(codeName is null ? "" : $" ({codeName})")}: {serverMessage}", innerException)
    {
        Code = code;
        CodeName = codeName;
        ServerMessage = serverMessage;
    }

    /// <summary>The server's error code, e.g. 11000 for a duplicate key.</summary>
    public int Code { get; }

    /// <summary>The server's name for the code, e.g. <c>DuplicateKey</c>, when it sent one.</summary>
    public string? CodeName { get; }

    /// <summary>The server's error message.</summary>
    public string ServerMessage { get; }
}
