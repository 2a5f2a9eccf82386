using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Tests.Support;

namespace Tailor.Core.Tests.Geo;

/// <summary>The <c>geo</c> trait the fold keeps from <c>context.geo</c>: the latest place, bounded, history only on change.</summary>
public sealed class GeoTraitTests
{
    private static readonly ProfileReducer Reducer = new(EngagementWeights.Default);

    private static (Profile Profile, List<TraitChange> History) Fold(params TailorEvent[] events)
    {
        var profile = new Profile { Id = "p1", CreatedAt = Messages.T0 };
        var history = new List<TraitChange>();
        foreach (var e in events) Reducer.Apply(profile, Messages.View(e), history);
        return (profile, history);
    }

    private static JsonObject Geo(string city, string region = "New York", string country = "US") =>
        new() { ["geo"] = new JsonObject { ["country"] = country, ["region"] = region, ["city"] = city } };

    private static string City(Profile profile) => profile.Traits["geo"].Value.GetProperty("city").GetString()!;

    [Fact]
    public void The_latest_place_wins_and_history_grows_only_when_the_place_changes()
    {
        var (profile, history) = Fold(
            Messages.Page(Messages.At(0), userId: "u", context: Geo("Brooklyn")),
            Messages.Page(Messages.At(1), userId: "u", context: Geo("Brooklyn")),
            Messages.Page(Messages.At(3), userId: "u", context: Geo("New York")),
            Messages.Page(Messages.At(2), userId: "u", context: Geo("Albany"))); // older than what is known: ignored

        Assert.Equal("New York", City(profile));
        Assert.Equal(Messages.At(3), profile.Traits["geo"].At);
        Assert.Equal(["Brooklyn", "New York"], history.Where(h => h.Name == "geo").Select(h => h.Value.GetProperty("city").GetString()));
    }

    [Fact]
    public void The_same_place_seen_again_is_as_recent_as_that_event_so_an_older_place_arriving_late_does_not_win()
    {
        var (profile, history) = Fold(
            Messages.Page(Messages.At(1), userId: "u", context: Geo("Brooklyn")),
            Messages.Page(Messages.At(10), userId: "u", context: Geo("Brooklyn")),
            Messages.Page(Messages.At(5), userId: "u", context: Geo("Albany")));

        Assert.Equal(("Brooklyn", Messages.At(10)), (City(profile), profile.Traits["geo"].At));
        Assert.Single(history, h => h.Name == "geo");
    }

    [Fact]
    public void Only_country_region_and_city_strings_of_bounded_length_are_kept()
    {
        var context = new JsonObject
        {
            ["geo"] = new JsonObject
            {
                ["country"] = "US", ["city"] = new string('x', 101), ["region"] = 7, ["latitude"] = 40.7, ["evil"] = new JsonObject { ["deep"] = "x" },
            },
        };

        var (profile, _) = Fold(Messages.Track("Viewed", Messages.At(0), userId: "u", context: context));

        Assert.Equal("""{"country":"US"}""", JsonSerializer.Serialize(profile.Traits["geo"].Value));
    }

    [Fact]
    public void A_geo_trait_the_event_sets_itself_is_not_overwritten_by_its_context()
    {
        var traits = new JsonObject { ["geo"] = new JsonObject { ["city"] = "Paris" } };

        var (profile, _) = Fold(Messages.Identify(Messages.At(0), userId: "u", traits: traits, context: Geo("Brooklyn")));

        Assert.Equal("Paris", City(profile));
    }

    [Fact]
    public void An_event_without_a_place_leaves_the_trait_alone()
    {
        var (profile, history) = Fold(Messages.Track("Viewed", Messages.At(0), userId: "u"), Messages.Page(Messages.At(1), userId: "u", context: new JsonObject { ["geo"] = "Brooklyn" }));

        Assert.False(profile.Traits.ContainsKey("geo"));
        Assert.Empty(history);
    }
}
