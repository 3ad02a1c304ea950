using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace MongoSessions.Mongo.Dns;

/// <summary>
/// A stub resolver for the two record types <c>mongodb+srv</c> needs, which .NET cannot look up. It asks the
/// configured recursive servers over UDP, repeats the question over TCP when the answer was truncated, and tries the
/// next server after a timeout, a malformed reply or a server error.
/// </summary>
internal sealed class DnsClient
{
    /// <summary>The per-try wait, as the resolv.conf default (<c>timeout:5</c>).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Rounds over the server list, as the resolv.conf default (<c>attempts:2</c>).</summary>
    public const int DefaultAttempts = 2;

    private readonly DnsServers _servers;
    private readonly TimeSpan _timeout;
    private readonly int _attempts;
    private readonly TimeProvider _timeProvider;

    public DnsClient(DnsServers servers, TimeSpan? timeout = null, int attempts = DefaultAttempts, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        _servers = servers;
        _timeout = timeout ?? DefaultTimeout;
        _attempts = attempts;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The SRV records of <paramref name="name"/>; empty when the name does not exist or has none.</summary>
    public Task<IReadOnlyList<SrvRecord>> QuerySrvAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(name, DnsRecordType.Srv, DnsRecordData.ReadSrv, cancellationToken);

    /// <summary>The TXT records of <paramref name="name"/>, each one's strings joined; empty when there are none.</summary>
    public Task<IReadOnlyList<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(name, DnsRecordType.Txt, DnsRecordData.ReadTxt, cancellationToken);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string name, DnsRecordType type, Func<DnsMessageReader, int, T> readData, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        for (var round = 0; round < _attempts; round++)
        {
            foreach (var server in _servers.EndPoints)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // a random id (and the random source port the OS picks) makes forged replies hard to match (RFC 5452)
                var id = (ushort)RandomNumberGenerator.GetInt32(0x10000);
                var query = DnsQueryMessage.Build(id, name, type);
                try
                {
                    var reply = await ExchangeAsync(server, query, id, name, type, readData, cancellationToken).ConfigureAwait(false);
                    switch (reply.ResponseCode)
                    {
                        case DnsResponseCode.NoError:
                            return reply.Records;
                        case DnsResponseCode.NameError:
                            return [];
                        default:
                            failures.Add($"{server} answered {Describe(reply.ResponseCode)}");
                            break;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failures.Add($"{server} did not answer within {_timeout.TotalMilliseconds:0} ms");
                }
                catch (DnsAttemptException e)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    failures.Add($"{server}: {e.Message}");
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                    failures.Add($"{server}: {e.Message}");
                }
            }
        }
        throw new MongoSessConnectionException($"The DNS {type.ToString().ToUpperInvariant()} query for '{name}' failed: {string.Join("; ", failures)}.");
    }

    private async Task<DnsReply<T>> ExchangeAsync<T>(IPEndPoint server, byte[] query, ushort id, string name, DnsRecordType type, Func<DnsMessageReader, int, T> readData, CancellationToken cancellationToken)
    {
        var datagram = await WithTimeoutAsync(token => DnsUdpExchange.ExchangeAsync(server, query, token), cancellationToken).ConfigureAwait(false);
        var reply = DnsReplyParser.Parse(datagram, id, name, type, readData);
        if (!reply.Truncated)
        {
            return reply;
        }
        // the answer did not fit in a datagram: ask again over TCP (RFC 7766 section 5)
        byte[] message;
        try
        {
            message = await WithTimeoutAsync(token => DnsTcpExchange.ExchangeAsync(server, query, token), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            throw new DnsAttemptException($"the reply over UDP was truncated, and asking over TCP failed: {e.Message}");
        }
        var full = DnsReplyParser.Parse(message, id, name, type, readData);
        if (full.Truncated)
        {
            throw new DnsAttemptException("the reply over TCP is marked truncated too");
        }
        return full;
    }

    private async Task<byte[]> WithTimeoutAsync(Func<CancellationToken, Task<byte[]>> exchange, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        return await exchange(linked.Token).ConfigureAwait(false);
    }

    private static string Describe(DnsResponseCode code) => code switch
    {
        DnsResponseCode.ServerFailure => "SERVFAIL (the server could not resolve the name)",
        DnsResponseCode.Refused => "REFUSED (the server will not resolve this name for us)",
        DnsResponseCode.FormatError => "FORMERR (the server could not read the query)",
        DnsResponseCode.NotImplemented => "NOTIMP (the server does not support this query)",
        _ => $"error code {(int)code}",
    };
}
