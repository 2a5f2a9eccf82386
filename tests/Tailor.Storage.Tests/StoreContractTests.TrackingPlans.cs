using Tailor.Core.TrackingPlans;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>The tracking plan's schemas and source modes.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Event_schemas_are_put_replaced_listed_and_deleted()
    {
        var first = new EventSchema("Order Completed", """{"type":"object","required":["revenue"]}""", At(1));
        var second = first with { Schema = """{"type":"object"}""", UpdatedAt = At(2) };
        var other = new EventSchema("Added To Cart", """{"type":"object","properties":{"sku":{"type":"string"}}}""", At(3));

        Assert.True(await Store.TrackingPlan.PutEventSchemaAsync(first, Ct));
        Assert.False(await Store.TrackingPlan.PutEventSchemaAsync(second, Ct));
        Assert.True(await Store.TrackingPlan.PutEventSchemaAsync(other, Ct));

        Assert.Equal(second, await Store.TrackingPlan.GetEventSchemaAsync("Order Completed", Ct));
        Assert.Equal([other, second], await Store.TrackingPlan.ListEventSchemasAsync(Ct));
        Assert.True(await Store.TrackingPlan.DeleteEventSchemaAsync("Order Completed", Ct));
        Assert.False(await Store.TrackingPlan.DeleteEventSchemaAsync("Order Completed", Ct));
        Assert.Null(await Store.TrackingPlan.GetEventSchemaAsync("Order Completed", Ct));
    }

    [Fact]
    public async Task Tracking_modes_are_kept_per_source_and_allow_clears_them()
    {
        await Store.TrackingPlan.SetTrackingModeAsync("src_a", TrackingMode.Block, Ct);
        await Store.TrackingPlan.SetTrackingModeAsync("src_b", TrackingMode.Flag, Ct);
        await Store.TrackingPlan.SetTrackingModeAsync("src_a", TrackingMode.Flag, Ct);
        await Store.TrackingPlan.SetTrackingModeAsync("src_b", TrackingMode.Allow, Ct);

        Assert.Equal(new Dictionary<string, TrackingMode> { ["src_a"] = TrackingMode.Flag }, await Store.TrackingPlan.TrackingModesAsync(Ct));
    }
}
