using System.Diagnostics.Metrics;
using MongoSessions.Diagnostics;

namespace MongoSessions.Cookies;

/// <summary>Counts session cookie values that failed verification, by reason; a rise in bad signatures may be forgery or a dropped key.</summary>
internal static class CookieMetrics
{
    private static readonly Counter<long> s_rejected = MongoSessInstrumentation.Meter.CreateCounter<long>(
        "mongosess.cookies.rejected", "{cookie}", "Session cookie values rejected, by reason (malformed, bad_signature, ambiguous).");

    public static void Rejected(CookieRejection reason)
    {
        if (s_rejected.Enabled)
        {
            s_rejected.Add(1, new KeyValuePair<string, object?>("reason", ReasonTag(reason)));
        }
    }

    internal static string ReasonTag(CookieRejection reason) => reason switch
    {
        CookieRejection.Malformed => "malformed",
        CookieRejection.BadSignature => "bad_signature",
        CookieRejection.Ambiguous => "ambiguous",
        _ => "other",
    };
}
