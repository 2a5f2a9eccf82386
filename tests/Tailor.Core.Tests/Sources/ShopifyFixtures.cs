using System.Text.Json;

namespace Tailor.Core.Tests.Sources;

/// <summary>The Shopify webhook payloads in Fixtures/ (see ATTRIBUTION.md there).</summary>
internal static class ShopifyFixtures
{
    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sources", "Fixtures", $"shopify_{name}.json"));

    public static JsonElement Json(string name)
    {
        using var document = JsonDocument.Parse(Text(name));
        return document.RootElement.Clone();
    }
}
