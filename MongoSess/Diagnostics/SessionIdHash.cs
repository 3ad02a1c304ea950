using System.Security.Cryptography;
using System.Text;

namespace MongoSessions.Diagnostics;

/// <summary>
/// A short, stable stand-in for a session id in traces: the first 6 bytes of its SHA-256, as 12 hex digits. It tells
/// the operations of one session apart from another's without showing the id, which is the session's credential.
/// </summary>
internal static class SessionIdHash
{
    private const int Bytes = 6;

    public static string Of(string id)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return Convert.ToHexStringLower(hash[..Bytes]);
    }
}
