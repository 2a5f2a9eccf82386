using System.Text.Json;
using Tailor.Core.Profiles;

namespace Tailor.Server.Profiles;

/// <summary>A profile as the read API shows it.</summary>
public sealed record ProfileView(
    string Id,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<IdentityView> Identities,
    IReadOnlyDictionary<string, JsonElement> Traits,
    ComputedView Computed,
    IReadOnlyDictionary<string, ConsentRecord> Consent,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Segments)
{
    public static ProfileView From(Profile p, IReadOnlyList<string>? segments = null)
    {
        var traits = new Dictionary<string, JsonElement>(p.Traits.Count, StringComparer.Ordinal);
        foreach (var (name, value) in p.Traits) traits[name] = value.Value;
        var c = p.Computed;
        return new ProfileView(
            p.Id, p.CreatedAt, p.UpdatedAt,
            [.. p.Identities.Select(i => new IdentityView(i.Type, i.Value))],
            traits,
            new ComputedView(c.FirstSeen, c.LastSeen, c.EventCount, c.EventCounts, c.OrderCount, c.TotalRevenue, c.AverageOrderValue, c.LastOrderAt, c.EngagementScore),
            p.Consent,
            [.. p.Tags],
            segments ?? []);
    }
}

public sealed record IdentityView(string Type, string Value);

public sealed record ComputedView(
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    long EventCount,
    IReadOnlyDictionary<string, long> EventCounts,
    long OrderCount,
    decimal TotalRevenue,
    decimal AverageOrderValue,
    DateTimeOffset? LastOrderAt,
    double EngagementScore);

/// <summary>An event in a profile's history.</summary>
public sealed record EventView(long Sequence, string MessageId, string Type, string? Name, DateTimeOffset Timestamp, DateTimeOffset ReceivedAt, string SourceId, JsonElement Message);
