using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MongoSessions.Mongo.Connections;

/// <summary>Opens a TCP connection, optionally wrapped in TLS, within the connect timeout.</summary>
internal sealed class TcpStreamOpener : IStreamOpener
{
    public static readonly TcpStreamOpener Instance = new();

    public async Task<Stream> OpenAsync(MongoEndPoint endPoint, ConnectionSettings settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(endPoint.Host, endPoint.Port, timeout.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (!settings.Tls)
            {
                return stream;
            }
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = endPoint.Host,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(settings, certificate, errors),
                }, timeout.Token).ConfigureAwait(false);
                return tls;
            }
            catch
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new MongoSessConnectionException($"Connecting to {endPoint} timed out after {settings.ConnectTimeout.TotalMilliseconds:0} ms.");
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
        {
            socket.Dispose();
            throw new MongoSessConnectionException($"Cannot connect to {endPoint}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool Validate(ConnectionSettings settings, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (settings.TlsAllowInvalidCertificates)
        {
            return true;
        }
        if (settings.TlsAllowInvalidHostnames)
        {
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }
        if (settings.TlsCAFile is null || certificate is null)
        {
            return errors == SslPolicyErrors.None;
        }
        // tlsCAFile: trust exactly the given authorities instead of the system store
        errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(settings.TlsCAFile);
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf) && errors == SslPolicyErrors.None;
    }
}
