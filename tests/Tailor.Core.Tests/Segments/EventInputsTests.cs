using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Core.Tests.Segments;

/// <summary>
/// What the segment engine assumes an event can change: checked against what <see cref="ProfileReducer"/> really
/// changes when it folds the event (a change the engine did not expect would leave a segment stale).
/// </summary>
public sealed class EventInputsTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Events() =>
    [
        "page", "page+traits", "page+geo", "page+consent", "track", "track+traits", "track+consent", "tags",
        "identify", "identify+consent", "escaped-traits", "group+traits", "properties-named-traits",
    ];

    private static TailorEvent Make(string kind) => kind switch
    {
        "page" => Page(At, "u1"),
        "page+traits" => Page(At, "u1", context: new JsonObject { ["traits"] = new JsonObject { ["plan"] = "pro" } }),
        "page+geo" => Page(At, "u1", context: new JsonObject { ["geo"] = new JsonObject { ["city"] = "Lyon" } }),
        "page+consent" => Page(At, "u1", context: Consent(true)),
        "track" => Track("Order Completed", At, "u1", properties: new JsonObject { ["revenue"] = 12 }),
        "track+traits" => Track("Product Viewed", At, "u1", context: new JsonObject { ["traits"] = new JsonObject { ["email"] = "a@example.com" } }),
        "track+consent" => Track("Product Viewed", At, "u1", context: Consent(false)),
        "tags" => TagsUpdated(At, "u1", add: ["vip"]),
        "identify" => Identify(At, "u1", traits: new JsonObject { ["plan"] = "pro" }),
        "identify+consent" => Identify(At, "u1", traits: new JsonObject { ["consent"] = new JsonObject { ["email"] = true } }),
        // A hostile sender spells the key with an escape: the reducer still reads context.traits.
        "escaped-traits" => Track("Product Viewed", At, "u1") with
        {
            Payload = """{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m-esc","timestamp":"2026-05-01T12:00:00Z","context":{"\u0074raits":{"plan":"pro"}}}""",
        },
        "group+traits" => Track("Product Viewed", At, "u1", context: new JsonObject { ["traits"] = new JsonObject { ["plan"] = "team" } }) with { Type = EventType.Group, Name = null },
        "properties-named-traits" => Track("Product Viewed", At, "u1", properties: new JsonObject { ["traits"] = "none", ["geo"] = 1 }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static JsonObject Consent(bool email) =>
        new() { ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["email"] = email } } };

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_change_the_reducer_makes_is_one_the_engine_expects(string kind)
    {
        var e = Make(kind);
        var profile = new Profile { Id = "prf_1", CreatedAt = At };
        var before = State(profile);
        var (traits, consent, tags) = before;
        new ProfileReducer(EngagementWeights.Default).Apply(profile, EventView.Parse(new LoggedEvent(1, e)), []);
        var expected = EventInputs.Of(e.Type, e.Name, e.Payload);
        // Each kind but the plain ones does change something, so the checks below are not vacuous.
        Assert.Equal(kind is not ("page" or "track" or "properties-named-traits"), State(profile) != before);

        if (State(profile).Traits != traits) Assert.True(expected.HasFlag(ProfileInputs.Traits), $"{kind} changed traits");
        if (State(profile).Consent != consent) Assert.True(expected.HasFlag(ProfileInputs.Consent), $"{kind} changed consent");
        if (State(profile).Tags != tags) Assert.True(expected.HasFlag(ProfileInputs.Tags), $"{kind} changed tags");
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void A_payload_that_cannot_name_the_keys_adds_nothing_and_its_utf8_text_tells_the_same(string kind)
    {
        // The store skips the payload when MayName says no (on the UTF-8 text it decodes): that must be exact. The
        // test messages' timestamps escape their '+' (a backslash, so "maybe"): written plainly here, as senders do.
        var e = Make(kind);
        var payload = e.Payload.Replace("\\u002B", "+", StringComparison.Ordinal);
        var mayName = EventInputs.MayName(payload.AsSpan());
        Assert.Equal(mayName, EventInputs.MayName(System.Text.Encoding.UTF8.GetBytes(payload)));
        if (!mayName) Assert.Equal(EventInputs.Of(e.Type, e.Name, payload), EventInputs.Of(e.Type, e.Name, null));
        Assert.Equal(kind is "page" or "track" or "tags", !mayName);
    }

    [Fact]
    public void An_event_without_traits_consent_or_tags_changes_none_of_them()
    {
        Assert.Equal(ProfileInputs.None, EventInputs.Of(EventType.Page, null, Page(At, "u1").Payload));
        Assert.Equal(ProfileInputs.None, EventInputs.Of(EventType.Track, "Order Completed", Make("track").Payload));
        Assert.Equal(ProfileInputs.Tags, EventInputs.Of(EventType.Track, ProfileReducer.TagsUpdated, Make("tags").Payload));
        Assert.Equal(ProfileInputs.All, EventInputs.Of(EventType.Track, "X", "{not json \\u"));
    }

    [Fact]
    public void Computed_traits_move_only_with_the_events_that_fold_into_them()
    {
        HashSet<string> Names(params string[] names) => new(names, StringComparer.Ordinal);
        Assert.False(SegmentCatalog.ComputedChangedBy(Names("orderCount", "totalRevenue"), Names("Page Viewed")));
        Assert.True(SegmentCatalog.ComputedChangedBy(Names("totalRevenue"), Names("Page Viewed", "Order Completed")));
        Assert.False(SegmentCatalog.ComputedChangedBy(Names("eventCounts.Page Viewed"), Names("Product Viewed")));
        Assert.True(SegmentCatalog.ComputedChangedBy(Names("eventCounts.Page Viewed"), Names("Page Viewed")));
        Assert.True(SegmentCatalog.ComputedChangedBy(Names("engagementScore"), Names("Anything")));
        Assert.True(SegmentCatalog.ComputedChangedBy(Names("eventCount"), Names("Anything")));
    }

    [Fact]
    public void A_page_view_reevaluates_only_the_segments_that_read_page_views_or_what_every_event_moves()
    {
        var rules = new[]
        {
            ("Pages", "performed \"Page Viewed\" in last 1 days"),
            ("Orders", "performed \"Order Completed\" in last 30 days"),
            ("Revenue", "computed totalRevenue >= 100"),
            ("Engaged", "computed engagementScore >= 20"),
            ("Pro", "trait plan = \"pro\""),
            ("Consented", "has consent email"),
            ("Loyal", "in segment \"Orders\" and in segment \"Engaged\""),
        };
        var catalog = new SegmentCatalog(rules.Select(r => new SegmentDefinition("seg-" + r.Item1, r.Item1, RuleParser.Parse(r.Item2), null, 0, At, At)));

        var names = catalog.Affected(new HashSet<string>(["Page Viewed"], StringComparer.Ordinal), ProfileInputs.None).Select(c => c.Name).ToHashSet();
        Assert.Equal(new HashSet<string>(["Pages", "Engaged", "Loyal"]), names);
        var withTraits = catalog.Affected(new HashSet<string>(["Page Viewed"], StringComparer.Ordinal), ProfileInputs.Traits | ProfileInputs.Consent).Select(c => c.Name).ToHashSet();
        Assert.Equal(new HashSet<string>(["Pages", "Engaged", "Loyal", "Pro", "Consented"]), withTraits);
    }

    private static (string Traits, string Consent, string Tags) State(Profile p) => (
        string.Join(";", p.Traits.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value.Value.GetRawText()}")),
        string.Join(";", p.Consent.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value.Granted}")),
        string.Join(";", p.Tags));
}
