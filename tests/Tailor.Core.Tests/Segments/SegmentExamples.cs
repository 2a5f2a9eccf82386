namespace Tailor.Core.Tests.Segments;

/// <summary>
/// The segments of the "Real-time dynamic segments" issue, in the text form. docs/rules.md shows each one in both
/// forms under a heading of the same name; <see cref="RulesDocTests"/> keeps the two in sync.
/// </summary>
internal static class SegmentExamples
{
    public const string RecentBuyers = """performed "Order Completed" in last 30 days""";

    public const string LapsedCustomers = """performed "Order Completed" and not performed "Order Completed" in last 60 days""";

    public const string ElectronicsBuyersUrbanEmailPreferring = """
        performed "Order Completed" with category == "electronics" in last 30 days
          and trait location_type == "urban"
          and trait preferred_channel == "email"
        """;

    public const string BrowsingEnthusiasts = """for some category: performed "Product Viewed" at least 3 times within one session""";

    public const string PotentiallyInterested = """performed "Page Viewed" with path = "/products/a" in last 24 hours""";

    public const string AbandonedCartNewYork = """
        performed "Product Added" in last 24 hours
          and not performed "Order Completed" since "Product Added"
          and (trait address.city = "New York"
               or performed "Product Added" with context.location.city = "New York" in last 24 hours)
        """;

    public const string Engaged = "computed engagementScore >= 20";

    public const string HighValue = "computed totalRevenue >= 1000 or computed totalRevenue in top 10 percent";

    public const string CategoryPageViewsInOneHour = """for some category: performed "Page Viewed" more than 2 times in last 1 hour""";

    public const string ViewedAndBoughtSameCategory = """
        for some category:
          performed "Product Viewed" more than 3 times
          and performed "Order Completed"
        """;

    public const string NewSubscriber = """performed "Newsletter Subscribed" in last 30 days and not performed "Order Completed" """;

    public const string ActiveBuyer = """performed "Order Completed" at least 2 times in last 90 days""";

    public const string LapsedCustomer = """computed orderCount >= 1 and not performed "Order Completed" in last 90 days""";

    public const string SegmentMembership = """in segment "Recent Buyers" and not (in segment "Lapsed Customers" or in segment "Churned")""";

    public const string EmailConsent = "has consent email";

    public const string LoyalTag = """has tag "loyal" """;

    /// <summary>Every example by the heading it has in docs/rules.md.</summary>
    public static IReadOnlyDictionary<string, string> ByName { get; } = new Dictionary<string, string>
    {
        ["Recent Buyers"] = RecentBuyers,
        ["Lapsed Customers"] = LapsedCustomers,
        ["Electronics buyers, urban, email-preferring"] = ElectronicsBuyersUrbanEmailPreferring,
        ["Browsing Enthusiasts"] = BrowsingEnthusiasts,
        ["Potentially Interested"] = PotentiallyInterested,
        ["Abandoned Cart – NY"] = AbandonedCartNewYork,
        ["Engaged"] = Engaged,
        ["High-Value"] = HighValue,
        ["Page views of one category, more than 2 in the last hour"] = CategoryPageViewsInOneHour,
        ["Viewed more than 3 times and bought in the same category"] = ViewedAndBoughtSameCategory,
        ["Lifecycle: New Subscriber"] = NewSubscriber,
        ["Lifecycle: Active Buyer"] = ActiveBuyer,
        ["Lifecycle: Lapsed Customer"] = LapsedCustomer,
        ["Membership of other segments"] = SegmentMembership,
        ["Consent for a purpose"] = EmailConsent,
        ["Tag present"] = LoyalTag,
    };
}
