using System.Net;

namespace MongoSessions.Demo;

/// <summary>
/// Accepts requests until stopped, handles each on its own task, and turns an unreachable session store into a
/// 503, a request whose cookie a login has just replaced into a 409, and any other unexpected exception into a 500,
/// each with a log line instead of a dead server.
/// </summary>
internal sealed class DemoHost(HttpListener listener, DemoRoutes routes)
{
    private const string RetryAfterSeconds = "5";

    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(10);

    // requests started and not finished, and a signal for the last one to finish once stopping (a counter rather than
    // a set of tasks: nothing to lock or allocate per request)
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private bool _stopping;

    /// <summary>Serves until <paramref name="stopping"/> fires, then waits for the requests already started.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        Task<HttpListenerContext>? accept = null;
        while (!stopping.IsCancellationRequested)
        {
            accept ??= listener.GetContextAsync();
            try
            {
                if (!accept.IsCompleted)
                {
                    await accept.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (HttpListenerException error)
            {
                // a failed accept (a client that went away mid-handshake) must not stop the server
                Console.Error.WriteLine($"accept failed: {error.Message}");
                accept = null;
                continue;
            }

            var context = accept.Result;
            accept = null;
            Interlocked.Increment(ref _inFlight);
            _ = Task.Run(() => ServeAsync(context));
        }

        // a request accepted as we stopped would otherwise hang until the listener closes
        _ = accept?.ContinueWith(
            static task => task.Result.Response.Abort(),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
        await DrainAsync();
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            await ServeOneAsync(context);
        }
        finally
        {
            // both sides fence (Interlocked, Volatile): either this sees the stop, or the drain sees this request gone
            if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _stopping))
            {
                _drained.TrySetResult();
            }
        }
    }

    private async Task ServeOneAsync(HttpListenerContext context)
    {
        try
        {
            await routes.HandleAsync(context);
        }
        catch (Exception error) when (IsConnectionGone(error))
        {
            // the client left, or HttpListener already answered (411 to a POST without a length): nothing to fix
            context.Response.Abort();
        }
        catch (MongoSessSessionReplacedException)
        {
            // a request sent with the cookie a login (in another tab) has just replaced: nothing was written, and the
            // browser already holds the new cookie, so asking it to reload is all there is to do
            await TryAnswerAsync(context.Response, 409, "your session changed while this request was on its way (a login in another tab); reload the page");
        }
        catch (Exception error) when (IsStoreUnavailable(error))
        {
            // a store that is down is not the request's fault: say so with a 503 the client may retry, and let the
            // MongoDB client find the server again by itself; the message names the servers, never a password
            Console.Error.WriteLine($"{context.Request.HttpMethod} {context.Request.Url?.AbsolutePath}: session store unavailable: {error.Message}");
            context.Response.Headers["Retry-After"] = RetryAfterSeconds;
            await TryAnswerAsync(context.Response, 503, "the session store is unavailable; try again in a few seconds");
        }
        catch (Exception error)
        {
            // the log names the request and the failure, never the cookie or the session's data
            Console.Error.WriteLine($"{context.Request.HttpMethod} {context.Request.Url?.AbsolutePath}: {error.GetType().Name}: {error.Message}");
            await TryAnswerAsync(context.Response, 500, "the server failed to answer this request");
        }
    }

    // a store that cannot work for now (MongoSessStoreUnavailableException): a connection failure, a server selection or
    // socket timeout, an exhausted pool, a full or read-only disk; or an error reply, such as a primary stepping down
    // twice during one write (MongoSessCommandException)
    private static bool IsStoreUnavailable(Exception error) =>
        error is MongoSessStoreUnavailableException or MongoSessCommandException or TimeoutException;

    private static bool IsConnectionGone(Exception error) =>
        error is HttpListenerException
        || error is ObjectDisposedException { ObjectName: "System.Net.HttpListenerResponse" };

    private static async Task TryAnswerAsync(HttpListenerResponse response, int status, string text)
    {
        try
        {
            await DemoResponse.TextAsync(response, status, text);
        }
        catch (Exception)
        {
            // the headers were already sent or the client left: all that is left is to drop the connection
            response.Abort();
        }
    }

    private async Task DrainAsync()
    {
        Volatile.Write(ref _stopping, true);
        if (Interlocked.CompareExchange(ref _inFlight, 0, 0) == 0)
        {
            return;
        }
        try
        {
            await _drained.Task.WaitAsync(s_drainTimeout);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"{Volatile.Read(ref _inFlight)} request(s) still running after {s_drainTimeout.TotalSeconds:0} s; closing anyway");
        }
    }
}
