using System.Text.Json;
using Tailor.Core.Profiles;

namespace Tailor.Storage.Tests.Support;

/// <summary>Compares a profile read from a store with the one the pipeline held in memory, field by field.</summary>
public static class ProfileAssert
{
    public static void Equivalent(Profile expected, Profile? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.MergedInto, actual.MergedInto);
        Assert.Equal(expected.Identities.ToHashSet(), actual.Identities.ToHashSet());
        Assert.Equal(expected.Identities.Count, actual.Identities.Count);

        Assert.Equal(expected.Traits.Keys.Order(StringComparer.Ordinal), actual.Traits.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, value) in expected.Traits)
        {
            var stored = actual.Traits[name];
            Assert.True(JsonElement.DeepEquals(value.Value, stored.Value), $"trait {name}: expected {value.Value.GetRawText()}, got {stored.Value.GetRawText()}");
            Assert.Equal(value.At, stored.At);
        }

        var (e, a) = (expected.Computed, actual.Computed);
        Assert.Equal((e.FirstSeen, e.LastSeen, e.EventCount, e.OrderCount, e.TotalRevenue, e.LastOrderAt, e.EngagementScore, e.AverageOrderValue),
            (a.FirstSeen, a.LastSeen, a.EventCount, a.OrderCount, a.TotalRevenue, a.LastOrderAt, a.EngagementScore, a.AverageOrderValue));
        Assert.Equal(e.EventCounts, a.EventCounts);

        Assert.Equal(expected.Consent, actual.Consent);
        Assert.Equal(expected.Tags, actual.Tags);
    }
}
