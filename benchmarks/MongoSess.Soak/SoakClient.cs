using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace MongoSessions.Soak;

/// <summary>
/// One browser: its own cookie jar and session, one request at a time. It counts the increments the server
/// acknowledged and checks every count it reads: never below its own (a lost increment), never above its own plus
/// the increments whose answer it never got (a doubled one), and always in a session it started itself (no leak).
/// </summary>
internal sealed class SoakClient : IDisposable
{
    private readonly string _id;
    private readonly HttpClient _http;
    private readonly SoakTally _tally;
    private readonly Random _random;

    private bool _hasSession;

    // the stored count is at least _expected and at most _expected + _unanswered
    private long _expected;
    private long _unanswered;

    // a regenerate or end went unanswered: the session may have moved or gone, which the next read tells
    private bool _mayBeGone;

    public SoakClient(int index, Uri baseAddress, SoakTally tally, int seed)
    {
        _id = $"client-{index}";
        _tally = tally;
        _random = new Random(unchecked(seed + index));
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Whether the client holds a session it started (and has not ended).</summary>
    public bool HasSession => _hasSession;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!_hasSession)
            {
                await StartAsync();
                continue;
            }
            int roll = _random.Next(100);
            if (roll < 40)
            {
                await IncrementAsync();
            }
            else if (roll < 65)
            {
                await ReadAsync();
            }
            else if (roll < 85)
            {
                await SendAsync("/write");
            }
            else if (roll < 95)
            {
                await RegenerateAsync();
            }
            else
            {
                await EndAsync();
            }
        }
    }

    /// <summary>The last check, after the load: the stored count must be exactly what this client counted.</summary>
    public async Task VerifyAsync(TimeSpan patience)
    {
        var watch = Stopwatch.StartNew();
        while (_hasSession && watch.Elapsed < patience)
        {
            if (await ReadAsync())
            {
                _tally.SessionVerified();
                if (_unanswered == 0)
                {
                    return;
                }
            }
            await Task.Delay(100);
        }
        if (_hasSession)
        {
            _tally.Violation($"{_id}: its session could not be read back within {patience.TotalSeconds:0} s");
        }
    }

    private async Task StartAsync()
    {
        var (status, _) = await SendAsync($"/start?client={_id}");
        if (status == 409)
        {
            // the cookie a lost regenerate answer left it with was replaced a moment ago: a browser would reload
            // later; wait rather than spin
            await Task.Delay(TimeSpan.FromSeconds(1));
            return;
        }
        if (status == 200)
        {
            _hasSession = true;
            _mayBeGone = false;
            _expected = 0;
            _unanswered = 0;
            _tally.SessionStarted();
        }
    }

    private async Task IncrementAsync()
    {
        var (status, body) = await SendAsync("/inc");
        if (status == 200)
        {
            _tally.AckedIncrement();
            _expected++;
            Check(body, "increment");
        }
        else if (status == 409)
        {
            SessionGone("increment");
        }
        else
        {
            // it may or may not have been applied: only a later read can tell
            _unanswered++;
        }
    }

    /// <returns>True when the count was read and checked.</returns>
    private async Task<bool> ReadAsync()
    {
        var (status, body) = await SendAsync("/read");
        if (status == 200)
        {
            Check(body, "read");
            return true;
        }
        if (status == 409)
        {
            SessionGone("read");
        }
        return false;
    }

    private async Task RegenerateAsync()
    {
        var (status, _) = await SendAsync("/regen");
        if (status != 200)
        {
            _mayBeGone = true;
        }
    }

    private async Task EndAsync()
    {
        // count the session's increments one last time before it goes
        if (!await ReadAsync() || !_hasSession)
        {
            return;
        }
        _tally.SessionVerified();
        var (status, _) = await SendAsync("/end");
        if (status == 200)
        {
            _hasSession = false;
            _tally.SessionEnded();
        }
        else
        {
            _mayBeGone = true;
        }
    }

    private void Check(string body, string route)
    {
        string[] parts = body.Split(' ', 2);
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long stored))
        {
            _tally.Violation($"{_id} {route}: unreadable answer '{body}'");
            return;
        }
        if (parts[1] != _id)
        {
            _tally.Violation($"{_id} {route}: got the session of {parts[1]}");
            return;
        }
        if (stored < _expected)
        {
            _tally.Violation($"{_id} {route}: stored count {stored} is below the {_expected} acknowledged: an increment was lost");
        }
        else if (stored > _expected + _unanswered)
        {
            _tally.Violation($"{_id} {route}: stored count {stored} is above the {_expected} acknowledged plus {_unanswered} unanswered: an increment was applied twice");
        }
        // the stored count is now known exactly, unanswered increments included
        _expected = stored;
        _unanswered = 0;
        _mayBeGone = false;
    }

    private void SessionGone(string route)
    {
        if (_mayBeGone)
        {
            _tally.RestartedAfterFailure();
        }
        else
        {
            _tally.Violation($"{_id} {route}: its session vanished although every regenerate and end was answered");
        }
        _hasSession = false;
    }

    private async Task<(int? Status, string Body)> SendAsync(string pathAndQuery)
    {
        string route = pathAndQuery.Split('?')[0];
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _http.PostAsync(pathAndQuery, content: null);
            string body = await response.Content.ReadAsStringAsync();
            int status = (int)response.StatusCode;
            _tally.Request(route, watch.Elapsed, status is 200 or 409 ? null : status.ToString(CultureInfo.InvariantCulture));
            return (status, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _tally.Request(route, watch.Elapsed, e.GetType().Name);
            return (null, "");
        }
    }

    public void Dispose() => _http.Dispose();
}
