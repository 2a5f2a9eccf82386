using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;

namespace Tailor.Server.Tests.Hosting;

/// <summary>
/// A Tailor app of its own on Kestrel loopback whose clock is a <see cref="FakeTimeProvider"/> the test moves, with a
/// client holding the write key and one holding the admin key. Disposing it stops the app and deletes its data directory.
/// </summary>
public sealed class FakeClockApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeClockApp(WebApplication app, FakeTimeProvider time, TailorServerOptions options)
    {
        _app = app;
        Time = time;
        Options = options;
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Ingest = new HttpClient { BaseAddress = address };
        Ingest.DefaultRequestHeaders.Authorization = TailorAppFixture.BasicAuth(options.WriteKey!);
        Admin = new HttpClient { BaseAddress = address };
        Admin.DefaultRequestHeaders.Authorization = new("Bearer", options.AdminKey);
    }

    public FakeTimeProvider Time { get; }
    public TailorServerOptions Options { get; }
    public IServiceProvider Services => _app.Services;
    public HttpClient Ingest { get; }
    public HttpClient Admin { get; }

    /// <param name="options">Needs <c>DataDirectory</c>, <c>WriteKey</c> and <c>AdminKey</c>; it listens on a free loopback port.</param>
    /// <param name="configure">More services, e.g. a fault-injection probe.</param>
    public static async Task<FakeClockApp> StartAsync(TailorServerOptions options, FakeTimeProvider time, Action<IServiceCollection>? configure = null)
    {
        options.Urls = "http://127.0.0.1:0";
        var app = await TailorServer.BuildAsync(options, TestContext.Current.CancellationToken, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton<TimeProvider>(time);
            configure?.Invoke(builder.Services);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new FakeClockApp(app, time, options);
    }

    public async ValueTask DisposeAsync()
    {
        Ingest.Dispose();
        Admin.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        TempDirectory.Delete(Options.DataDirectory);
    }
}
