using Tailor.Application.Content;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tailor.Core.Content;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Content;

/// <summary>The parsed-content cache over a real SQLite store: changes made elsewhere show within the refresh time (fake clock).</summary>
public sealed class ContentCatalogTests : IAsyncDisposable
{
    private readonly string _data = TempDirectory.Create("catalog");
    private TailorDatabase? _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_template_saved_by_another_process_appears_after_the_refresh_time()
    {
        _store = await TailorStores.OpenAsync(_data, null, Ct);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var catalog = new ContentCatalog(_store.Content, new LiquidEngine(), time);
        Assert.Empty((await catalog.CurrentAsync(Ct)).Templates);

        // As the CLI or another node would: straight into the store, without telling this catalog.
        var now = time.GetUtcNow();
        await _store.Content.SaveContentAsync(new ContentDocument(ContentKinds.Template, "elsewhere",
            JsonSerializer.Serialize(new TemplateDocument("Hi {{ profile.first_name }}", null), BlockDocument.Json), now, now), false, Ct);
        time.Advance(ContentCatalog.RefreshAfter - TimeSpan.FromMilliseconds(1));
        Assert.Empty((await catalog.CurrentAsync(Ct)).Templates);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["elsewhere"], (await catalog.CurrentAsync(Ct)).Templates.Keys);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        TempDirectory.Delete(_data);
    }
}
