using System.Reflection;
using System.Runtime.InteropServices;
using MongoSessions.Bson;

namespace MongoSessions.Mongo.Connections;

/// <summary>The <c>client</c> document of the handshake (handshake spec): who we are, on what, for which application.</summary>
internal static class ClientMetadata
{
    // handshake spec: the server rejects client metadata over 512 bytes, so the optional parts go first when too big
    private const int MaxBytes = 512;

    public static BsonDocument Create(string? appName)
    {
        var version = typeof(ClientMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        var document = new BsonDocument();
        if (appName is not null)
        {
            document.Add("application", new BsonDocument().Add("name", new BsonString(appName)));
        }
        document.Add("driver", new BsonDocument().Add("name", new BsonString("MongoSess")).Add("version", new BsonString(version.Split('+')[0])));
        document.Add("os", new BsonDocument()
            .Add("type", new BsonString(OsType()))
            .Add("name", new BsonString(RuntimeInformation.OSDescription))
            .Add("architecture", new BsonString(RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant())));
        document.Add("platform", new BsonString(RuntimeInformation.FrameworkDescription));
        if (BsonBinaryWriter.ToBytes(document).Length > MaxBytes)
        {
            document.Remove("platform");
            ((BsonDocument)document["os"]!).Remove("name");
            ((BsonDocument)document["os"]!).Remove("architecture");
        }
        return document;
    }

    private static string OsType() =>
        OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "Darwin" : "unknown";
}
