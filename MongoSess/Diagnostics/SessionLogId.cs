using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Diagnostics;

/// <summary>How logs name a session: a short hash of its id, enough to match lines up, useless as a cookie.</summary>
internal static class SessionLogId
{
    public static string Of(string sessionId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(sessionId), hash);
        return Convert.ToHexStringLower(hash[..4]);
    }
}
