using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Tailor.Server.Hosting;

namespace Tailor.Client.Tests;

/// <summary>A real Tailor node (Kestrel on 127.0.0.1:0, SQLite in a temp directory) and a client with both keys.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "tailor-client-tests", Guid.NewGuid().ToString("N"));

    public string WriteKey { get; } = $"wk_client_{Guid.NewGuid():N}";
    public string AdminKey { get; } = $"tk_admin_client_{Guid.NewGuid():N}";
    public HttpClient Http { get; private set; } = null!;
    public TailorClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        var options = new TailorServerOptions { DataDirectory = _data, Urls = "http://127.0.0.1:0", WriteKey = WriteKey, AdminKey = AdminKey };
        _app = await TailorServer.BuildAsync(options, TestContext.Current.CancellationToken, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        Http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };
        Client = new TailorClient(Http, WriteKey, AdminKey);
    }

    private Task<string>? _document;

    /// <summary>The node's /openapi/v1.json, fetched once (generating it is the slow part of a drift test).</summary>
    public Task<string> DocumentAsync() => _document ??= Http.GetStringAsync("/openapi/v1.json", CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
