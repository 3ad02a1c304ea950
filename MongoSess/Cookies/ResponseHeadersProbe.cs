using System.Net;

namespace MongoSessions.Cookies;

/// <summary>
/// Tells whether an HttpListenerResponse has sent its headers. HttpListener silently drops headers added after
/// that point, so a session cookie set then would be lost without a word.
/// </summary>
internal static class ResponseHeadersProbe
{
    public static bool HeadersSent(HttpListenerResponse response)
    {
        // HttpListenerResponse has no public "headers sent" flag, but these two setters throw once headers are out.
        // Each is only written back with the value it already has, which leaves the response as it was: sending
        // headers turns an undecided body framing into chunked (HTTP/1.1) or length -1 (HTTP/1.0), and an undecided
        // framing with length 0 means nothing was sent yet. See HttpListenerResponse.SendHeaders in dotnet/runtime.
        try
        {
            if (response.SendChunked)
            {
                response.SendChunked = true;
                return false;
            }
            long length = response.ContentLength64;
            if (length != 0)
            {
                response.ContentLength64 = length;
            }
            return false;
        }
        catch (InvalidOperationException)
        {
            // also ObjectDisposedException: a closed response has certainly sent its headers
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // length -1 with headers not yet sent: the check passed, only the value was refused
            return false;
        }
    }
}
