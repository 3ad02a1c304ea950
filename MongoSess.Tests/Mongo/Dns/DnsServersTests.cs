using System.Net;
using MongoSessions.Mongo.Dns;

namespace MongoSessions.Tests.Mongo.Dns;

public sealed class DnsServersTests
{
    private string _path = null!;

    [SetUp]
    public void CreatePath() => _path = Path.Combine(Path.GetTempPath(), $"resolv-{Guid.NewGuid():N}.conf");

    [TearDown]
    public void DeletePath() => File.Delete(_path);

    [Test]
    public async Task Resolv_conf_nameserver_lines_give_the_servers_in_order()
    {
        await File.WriteAllTextAsync(_path, """
            # written by NetworkManager
            search example.com
            nameserver 192.0.2.53
            nameserver   2001:db8::53   # inline comment
            ;nameserver 192.0.2.99
            #nameserver 192.0.2.98
            options timeout:2 attempts:3
            nameserver fe80::1%1
            nameserver not-an-address
            nameserver
            nameserver 192.0.2.53
            """.Replace("\n", "\r\n"));

        var servers = await DnsServers.ReadResolvConfAsync(_path, CancellationToken.None);

        Assert.That(servers.Select(s => s.Address.ToString()), Is.EqualTo(new[] { "192.0.2.53", "2001:db8::53", "fe80::1%1" }));
        Assert.That(servers.Select(s => s.Port), Is.All.EqualTo(53));
    }

    [Test]
    public async Task A_missing_resolv_conf_gives_no_servers()
    {
        var servers = await DnsServers.ReadResolvConfAsync(_path, CancellationToken.None);

        Assert.That(servers, Is.Empty);
    }

    [Test]
    public async Task A_resolv_conf_without_nameservers_gives_no_servers()
    {
        await File.WriteAllTextAsync(_path, "search example.com\noptions ndots:5\n");

        var servers = await DnsServers.ReadResolvConfAsync(_path, CancellationToken.None);

        Assert.That(servers, Is.Empty);
    }

    [Test]
    public async Task The_system_servers_are_found_without_sending_a_query()
    {
        // reads configuration only; on a machine with no DNS configured at all this is the documented error
        try
        {
            var servers = await DnsServers.FromSystemAsync(CancellationToken.None);
            Assert.That(servers.EndPoints, Is.Not.Empty.And.All.Property(nameof(IPEndPoint.Port)).EqualTo(53));
        }
        catch (MongoSessConnectionException e)
        {
            Assert.That(e.Message, Does.Contain("no DNS server configured"));
        }
    }

    [Test]
    public void An_empty_server_list_is_refused() =>
        Assert.Throws<ArgumentException>(() => _ = new DnsServers([]));
}
