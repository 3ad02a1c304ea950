using System.Net;

namespace MongoSessions.Demo;

/// <summary>
/// Accepts requests until stopped, handles each on its own task, and turns an unexpected exception into a
/// 500 and a log line instead of a dead server.
/// </summary>
internal sealed class DemoHost(HttpListener listener, DemoRoutes routes)
{
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(10);

    private readonly HashSet<Task> _inFlight = [];

    /// <summary>Serves until <paramref name="stopping"/> fires, then waits for the requests already started.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        Task<HttpListenerContext>? accept = null;
        while (!stopping.IsCancellationRequested)
        {
            accept ??= listener.GetContextAsync();
            try
            {
                await accept.WaitAsync(stopping);
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
            Track(Task.Run(() => ServeAsync(context)));
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
            await routes.HandleAsync(context);
        }
        catch (Exception error) when (IsConnectionGone(error))
        {
            // the client left, or HttpListener already answered (411 to a POST without a length): nothing to fix
            context.Response.Abort();
        }
        // a store that is down is not the request's fault: its "unavailable" error will get its own catch here,
        // answering 503 with Retry-After, when the MongoDB store lands
        catch (Exception error)
        {
            // the log names the request and the failure, never the cookie or the session's data
            Console.Error.WriteLine($"{context.Request.HttpMethod} {context.Request.Url?.AbsolutePath}: {error.GetType().Name}: {error.Message}");
            await TryAnswerAsync(context.Response, 500, "the server failed to answer this request");
        }
    }

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

    private void Track(Task request)
    {
        lock (_inFlight)
        {
            _inFlight.Add(request);
        }
        request.ContinueWith(
            done => { lock (_inFlight) { _inFlight.Remove(done); } },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task DrainAsync()
    {
        Task[] pending;
        lock (_inFlight)
        {
            pending = [.. _inFlight];
        }
        try
        {
            await Task.WhenAll(pending).WaitAsync(s_drainTimeout);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"{pending.Count(task => !task.IsCompleted)} request(s) still running after {s_drainTimeout.TotalSeconds:0} s; closing anyway");
        }
    }
}
