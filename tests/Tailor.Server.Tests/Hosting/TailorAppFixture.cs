using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tailor.Server.Hosting;

namespace Tailor.Server.Tests.Hosting;

/// <summary>
/// The real Tailor app on Kestrel loopback with a SQLite file in a temp directory, shared by the tests of the
/// assembly. Tests keep apart by using their own ids (<see cref="NewId"/>), not by getting a fresh app.
/// </summary>
public sealed class TailorAppFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataDirectory { get; } = TempDirectory.Create("app");
    public string WriteKey { get; } = $"wk_test_{Guid.NewGuid():N}";
    public string AdminKey { get; } = $"tk_admin_test_{Guid.NewGuid():N}";
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Sends events with the default source's write key as the HTTP Basic username.</summary>
    public HttpClient Ingest { get; private set; } = null!;

    /// <summary>Calls the admin API with <c>Authorization: Bearer ADMIN_KEY</c>.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>No credentials at all.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new TailorServerOptions
        {
            DataDirectory = DataDirectory, Urls = "http://127.0.0.1:0", WriteKey = WriteKey, AdminKey = AdminKey,
            // Campaign tests send to the real SMTP sink when scripts/test.sh started one.
            Smtp = Environment.GetEnvironmentVariable(SmtpSink.AddressVariable),
        };
        // Every test of the assembly shares this app and its one admin key, hundreds of calls at once: rate limits are
        // tested on apps of their own (RateLimitTests), not here.
        options.Security.RateLimits = new RateLimitOptions { Api = new(), Ingest = new(), Personalize = new(), PerClient = new() };
        _app = await TailorServer.BuildAsync(options, TestContext.Current.CancellationToken,
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
        Anonymous = NewClient(null);
        Ingest = NewClient(BasicAuth(WriteKey));
        Admin = NewClient(new AuthenticationHeaderValue("Bearer", AdminKey));
    }

    public HttpClient NewClient(AuthenticationHeaderValue? authorization)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = authorization;
        return client;
    }

    /// <summary>Segment's convention: the write key is the Basic username, the password is empty.</summary>
    public static AuthenticationHeaderValue BasicAuth(string user) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:")));

    /// <summary>An id no other test uses, so tests can share one app.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Waits until the profile pipeline has processed every event acknowledged so far.</summary>
    public Task WaitForPipelineAsync() => PipelineProgress.WaitUntilCaughtUpAsync(Admin);

    public async ValueTask DisposeAsync()
    {
        Ingest?.Dispose();
        Admin?.Dispose();
        Anonymous?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        TempDirectory.Delete(DataDirectory);
    }
}
