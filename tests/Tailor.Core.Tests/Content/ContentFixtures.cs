using System.Text.Json;
using Tailor.Core.Content;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;

namespace Tailor.Core.Tests.Content;

/// <summary>Profiles and scopes for content tests.</summary>
internal static class ContentFixtures
{
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Profile Profile(string id = "prf_ann", object? traits = null, string[]? tags = null, (string Purpose, bool Granted)[]? consent = null,
        long orders = 0, decimal revenue = 0)
    {
        var profile = new Profile { Id = id, CreatedAt = Now.AddDays(-30) };
        if (traits is not null)
            foreach (var p in JsonSerializer.SerializeToElement(traits).EnumerateObject())
                profile.Traits[p.Name] = new TraitValue(p.Value.Clone(), Now.AddDays(-1));
        foreach (var tag in tags ?? []) profile.Tags.Add(tag);
        foreach (var (purpose, granted) in consent ?? []) profile.Consent[purpose] = new ConsentRecord(granted, Now.AddDays(-2), "test", null);
        profile.Computed.OrderCount = orders;
        profile.Computed.TotalRevenue = revenue;
        return profile;
    }

    public static RenderScope Scope(Profile? profile, string[]? segments = null, SegmentValues? primary = null,
        IReadOnlyList<RecommendedItem>? recommendations = null, RequestContext? request = null) => new()
    {
        Facts = profile is null ? null : new ProfileFacts(profile, [], new HashSet<string>(segments ?? [], StringComparer.Ordinal), NoPopulationStats.Instance),
        PrimarySegment = primary,
        Recommendations = recommendations ?? [],
        Request = request ?? RequestContext.None,
        Now = Now,
    };

    public static async Task<string> RenderAsync(this LiquidEngine engine, string source, RenderScope scope, RenderSettings? settings = null) =>
        (await engine.RenderAsync(engine.Parse(source), scope, settings ?? RenderSettings.Default, CancellationToken.None)).Output;
}
