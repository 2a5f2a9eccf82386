using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Tests.Support;

/// <summary>
/// Messages of every kind the profile fold reads from, with a protected value in each part it reads (traits, traits in
/// context, an order, consent with the IP as its "where", tags), a merge by alias: for tests that fold them stored
/// sealed and compare with folding them clear.
/// </summary>
public static class VisitorDay
{
    private static JsonObject Context(string ip, JsonObject? extra = null)
    {
        var context = new JsonObject { ["ip"] = ip, ["userAgent"] = "Mozilla/5.0" };
        foreach (var (name, value) in extra ?? []) context[name] = value?.DeepClone();
        return context;
    }

    /// <summary>A visitor's day: pages, a product view, identify, an order, traits in context, consent (its "where" the IP), tags, a second user and an alias.</summary>
    public static TailorEvent[] Messages() =>
    [
        Page(At(1), anonymousId: "a1", context: Context("203.0.113.1", new JsonObject { ["page"] = new JsonObject { ["url"] = "https://shop.example/" } })),
        Track("Product Viewed", At(2), anonymousId: "a1", properties: new JsonObject { ["name"] = "Trail shoe", ["price"] = 89.5 }, context: Context("203.0.113.1")),
        Identify(At(3), "u1", "a1", new JsonObject
        {
            ["email"] = "ann@example.com", ["name"] = "Ann Lee", ["phone"] = "+44 20 7946 0000", ["plan"] = "pro",
            ["address"] = new JsonObject { ["city"] = "Leeds" },
        }, Context("203.0.113.2")),
        Track(ProfileReducer.OrderCompleted, At(4), "u1", properties: new JsonObject { ["revenue"] = 120.25, ["total"] = 130, ["name"] = "Order" }, context: Context("203.0.113.2")),
        Track("Newsletter Joined", At(5), "u1", context: Context("203.0.113.3", new JsonObject
        {
            ["traits"] = new JsonObject { ["email"] = "ann.lee@example.com", ["firstName"] = "Ann" },
        })),
        Track("Consent Given", At(6), "u1", context: Context("198.51.100.7", new JsonObject
        {
            ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["email"] = true, ["analytics"] = true } },
        })),
        Identify(At(7), "u1", traits: new JsonObject { ["consent"] = new JsonObject { ["sms"] = false, ["version"] = "v2" } }, context: Context("198.51.100.8")),
        Track(ProfileReducer.TagsUpdated, At(8), "u1", properties: new JsonObject { ["add"] = new JsonArray("loyal/gold"), ["remove"] = new JsonArray() }, context: Context("203.0.113.4")),
        Page(At(9), "u2", context: Context("203.0.113.5", new JsonObject { ["geo"] = new JsonObject { ["country"] = "GB", ["city"] = "Leeds" } })),
        Alias(At(10), "u2", "u1"),
        Track("Product Viewed", At(11), "u2", properties: new JsonObject { ["name"] = "Rain jacket" }, context: Context("203.0.113.5")),
    ];
}
