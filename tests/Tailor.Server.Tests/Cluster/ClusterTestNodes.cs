using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tailor.Server.Cluster;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// In-process nodes of one test cluster: a fresh PostgreSQL database, a RabbitMQ address, real clocks, short leases and
/// one privacy key ring shared by every node (as a real cluster must). Disposes the nodes, their clients, the database
/// and the data directories.
/// </summary>
internal sealed class ClusterTestNodes(string name, string writeKey, string adminKey, LogLevel logLevel) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly List<WebApplication> _apps = [];
    private readonly List<HttpClient> _clients = [];
    private readonly List<string> _data = [];
    private readonly string _privacyKeys = Tailor.Core.Privacy.PrivacyKeyRing.Generate().ToJson();
    private PostgresTestDatabase? _database;

    /// <summary>The broker the tests use; skipped without one, and a failure on CI, where the cluster tests must run.</summary>
    public static string RabbitMqOrSkip()
    {
        var rabbit = Environment.GetEnvironmentVariable("TAILOR_TEST_RABBITMQ");
        if (!string.IsNullOrEmpty(rabbit)) return rabbit;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("TAILOR_TEST_RABBITMQ is not set: on CI the cluster tests must run.");
        Assert.Skip("Cluster test skipped: set TAILOR_TEST_RABBITMQ and TAILOR_TEST_POSTGRES (scripts/test.sh does).");
        return "";
    }

    public async Task CreateDatabaseAsync() => _database = await PostgresTestDatabase.CreateAsync(name);

    public async Task<WebApplication> StartAsync(string rabbit, string exchanges)
    {
        var data = TempDirectory.Create($"{name}-node");
        _data.Add(data);
        var options = new TailorServerOptions
        {
            DataDirectory = data, Postgres = _database!.ConnectionString, WriteKey = writeKey, AdminKey = adminKey, Urls = "http://127.0.0.1:0",
            Cluster = new ClusterOptions { RabbitMq = rabbit, LeaseDuration = TimeSpan.FromSeconds(3), Heartbeat = TimeSpan.FromSeconds(1), ExchangePrefix = exchanges },
            Privacy = new Tailor.Server.Privacy.PrivacyOptions { Keys = _privacyKeys },
        };
        var app = await TailorServer.BuildAsync(options, Ct, builder => builder.Logging.SetMinimumLevel(logLevel));
        await app.StartAsync(Ct);
        _apps.Add(app);
        return app;
    }

    public (HttpClient Ingest, HttpClient Admin) Clients(WebApplication app)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var ingest = new HttpClient { BaseAddress = address, DefaultRequestHeaders = { Authorization = TailorAppFixture.BasicAuth(writeKey) } };
        var admin = new HttpClient { BaseAddress = address, DefaultRequestHeaders = { Authorization = new("Bearer", adminKey) } };
        _clients.Add(ingest);
        _clients.Add(admin);
        return (ingest, admin);
    }

    /// <summary>The node that holds the profile fold, if either does.</summary>
    public static WebApplication? Holder(WebApplication a, WebApplication b) =>
        Membership(a).Owns("profiles") ? a : Membership(b).Owns("profiles") ? b : null;

    public static ClusterMembership Membership(WebApplication app) => app.Services.GetRequiredService<ClusterMembership>();

    public static BrokerLink Link(WebApplication app) => app.Services.GetRequiredService<BrokerLink>();

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"not within {timeout}: {what}");
            await Task.Delay(20, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        foreach (var app in _apps)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        if (_database is not null) await _database.DisposeAsync();
        foreach (var data in _data) TempDirectory.Delete(data);
    }
}
