using System.Text.Json;
using Tailor.Core.Content;
using static Tailor.Core.Tests.Content.ContentFixtures;

namespace Tailor.Core.Tests.Content;

public sealed class LiquidEngineTests
{
    private readonly LiquidEngine _engine = new();

    [Theory]
    [InlineData("Hello\n{% if profile.first_name %}Ann", 2, "'{% endif %}' was expected")]
    [InlineData("Hi\n\n  {% unknowntag %}", 3, "Unknown tag 'unknowntag'")]
    [InlineData("{% for x in y %}{% endif %}", 1, "'{% endfor %}' was expected")]
    public void Invalid_template_reports_line_and_column(string source, int line, string message)
    {
        Assert.False(_engine.TryParseTemplate(source, out _, out var error));
        Assert.Equal(line, error.Line);
        Assert.True(error.Column > 0);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Throws<TemplateSyntaxException>(() => _engine.Parse(source));
    }

    [Fact]
    public void Unknown_tag_column_points_at_the_tag()
    {
        Assert.False(_engine.TryParseTemplate("line1\n  {% foo %}", out _, out var error));
        Assert.Equal((2, 9), (error.Line, error.Column));
    }

    [Fact]
    public async Task Profile_traits_computed_tags_and_consent_are_in_scope()
    {
        var profile = Profile(traits: new { first_name = "Ann", plan = "pro" }, tags: ["loyal/vip"], consent: [("email", true)], orders: 3, revenue: 120.5m);
        var output = await _engine.RenderAsync(
            "{{ profile.traits.first_name }}|{{ profile.first_name }}|{{ profile.computed.orderCount }}|{{ profile.computed.totalRevenue }}|{{ profile.tags | join: ',' }}|{{ profile.consent.email }}|{{ profile.id }}",
            Scope(profile));
        Assert.Equal("Ann|Ann|3|120.5|loyal/vip|true|prf_ann", output);
    }

    [Fact]
    public async Task Segments_contains_tests_membership_by_name()
    {
        const string source = "{% if segments contains 'High-Value Customer' %}VIP{% else %}regular{% endif %}";
        Assert.Equal("VIP", await _engine.RenderAsync(source, Scope(Profile(), ["High-Value Customer", "Newsletter"])));
        Assert.Equal("regular", await _engine.RenderAsync(source, Scope(Profile(), ["Newsletter"])));
    }

    [Fact]
    public async Task User_segment_values_come_from_the_primary_segment()
    {
        var values = new Dictionary<string, JsonElement> { ["discount"] = JsonSerializer.SerializeToElement(20) };
        var primary = new SegmentValues("High-Value Customer", 10, values, Now);
        Assert.Equal("20% for High-Value Customer",
            await _engine.RenderAsync("{{ user.segment.discount }}% for {{ user.segment.name }}", Scope(Profile(), ["High-Value Customer"], primary)));
        Assert.Equal("5%", await _engine.RenderAsync("{{ user.segment.discount | default: 5 }}%", Scope(Profile())));
    }

    [Fact]
    public void Primary_segment_is_the_highest_priority_then_first_name()
    {
        var empty = new Dictionary<string, JsonElement>();
        SegmentValues[] all = [new("B", 1, empty, Now), new("A", 1, empty, Now), new("C", 5, empty, Now), new("D", 9, empty, Now)];
        Assert.Equal("C", SegmentValues.PrimaryFor(new HashSet<string> { "A", "B", "C" }, all)!.Segment);
        Assert.Equal("A", SegmentValues.PrimaryFor(new HashSet<string> { "A", "B" }, all)!.Segment);
        Assert.Null(SegmentValues.PrimaryFor(new HashSet<string> { "Z" }, all));
    }

    [Fact]
    public async Task Output_is_html_escaped_by_default_and_raw_opts_out()
    {
        var profile = Profile(traits: new { name = "<script>x</script>" });
        Assert.Equal("&lt;script&gt;x&lt;/script&gt;", await _engine.RenderAsync("{{ profile.name }}", Scope(profile)));
        Assert.Equal("<b>ok</b>", await _engine.RenderAsync("{{ '<b>ok</b>' | raw }}", Scope(profile)));
    }

    [Fact]
    public async Task Missing_value_renders_its_default_and_default_keeps_objects()
    {
        var values = new Dictionary<string, JsonElement> { ["discount"] = JsonSerializer.SerializeToElement(15) };
        var scope = Scope(Profile(), ["VIP"], new SegmentValues("VIP", 1, values, Now));
        Assert.Equal("friend", await _engine.RenderAsync("{{ profile.traits.first_name | default: 'friend' }}", scope));
        Assert.Equal("friend", await _engine.RenderAsync("{{ '' | default: 'friend' }}", scope));
        // Fluid returns the fallback for a non-empty object; Liquid (and Tailor) keep the object.
        Assert.Equal("15", await _engine.RenderAsync("{% assign s = user.segment | default: 'none' %}{{ s.discount }}", scope));
        Assert.Equal("false", await _engine.RenderAsync("{{ false | default: true, allow_false: true }}", scope));
    }

    [Fact]
    public async Task Capitalize_lowers_the_rest_of_the_word()
    {
        Assert.Equal("John", await _engine.RenderAsync("{{ 'JOHN' | capitalize }}", Scope(null)));
    }

    [Fact]
    public async Task Divided_by_keeps_decimals_and_survives_zero()
    {
        Assert.Equal("2.505", await _engine.RenderAsync("{{ 250.5 | divided_by: 100 }}", Scope(null)));
        Assert.Equal("2", await _engine.RenderAsync("{{ 250 | divided_by: 100 }}", Scope(null)));
        Assert.Equal("[]", await _engine.RenderAsync("[{{ 5 | divided_by: 0 }}]", Scope(null)));
    }

    [Fact]
    public async Task Round_is_half_away_from_zero_join_defaults_to_a_space_and_size_of_nothing_is_zero()
    {
        Assert.Equal("3 -3 5.67 100", await _engine.RenderAsync("{{ 2.5 | round }} {{ -2.5 | round }} {{ 5.666 | round: 2 }} {{ 123 | round: -2 }}", Scope(null)));
        Assert.Equal("a b", await _engine.RenderAsync("{{ profile.tags | join }}", Scope(Profile(tags: ["a", "b"]))));
        Assert.Equal("0", await _engine.RenderAsync("{{ nothing | size }}", Scope(null)));
    }

    [Fact]
    public async Task A_template_that_fails_while_rendering_reports_a_render_error()
    {
        var e = await Assert.ThrowsAsync<TemplateRenderException>(() => _engine.RenderAsync("{{ 1 | modulo: 0 }}", Scope(null)));
        Assert.StartsWith("the template failed while rendering", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en-US", "$1,234.50")]
    [InlineData("de-DE", "1.234,50 €")]
    [InlineData("fr-FR", "1 234,50 €")]
    public async Task Money_formats_per_locale(string locale, string expected)
    {
        var profile = Profile(traits: new { locale });
        var output = await _engine.RenderAsync("{{ 1234.5 | money }}", Scope(profile));
        // Cultures differ in the kind of space they use; compare with spaces normalised.
        Assert.Equal(expected.Replace('\u202f', ' ').Replace('\u00a0', ' '), output.Replace("&#x202F;", " ", StringComparison.Ordinal).Replace('\u202f', ' ').Replace('\u00a0', ' '));
    }

    [Fact]
    public async Task Money_takes_a_currency_code()
    {
        Assert.Equal("£12.00", await _engine.RenderAsync("{{ 12 | money: 'GBP' }}", Scope(Profile(traits: new { locale = "en-GB" }))));
        Assert.Equal("€12.00", await _engine.RenderAsync("{{ 12 | money: 'EUR' }}", Scope(Profile(traits: new { locale = "en-US" }))));
    }

    [Fact]
    public async Task Dates_use_the_profile_locale_and_timezone()
    {
        var profile = Profile(traits: new { locale = "de-DE", timezone = "Europe/Berlin" });
        // Now is 12:00 UTC on 1 March 2025: 13:00 in Berlin.
        Assert.Equal("1. März 2025 13:00", await _engine.RenderAsync("{{ context.now | date: '%-d. %B %Y %H:%M' }}", Scope(profile)));
        Assert.Equal("13", await _engine.RenderAsync("{{ context.hour }}", Scope(profile)));
        Assert.Equal("Europe/Berlin", await _engine.RenderAsync("{{ context.timezone }}", Scope(profile)));
    }

    [Fact]
    public async Task Locale_comes_from_the_profile_then_the_request_then_english()
    {
        Assert.Equal("de-DE", await _engine.RenderAsync("{{ context.locale }}", Scope(Profile(traits: new { locale = "de-DE" }), request: new RequestContext("fr-FR"))));
        Assert.Equal("fr-FR", await _engine.RenderAsync("{{ context.locale }}", Scope(Profile(), request: new RequestContext("fr-FR"))));
        Assert.Equal("en-US", await _engine.RenderAsync("{{ context.locale }}", Scope(Profile())));
        Assert.Equal("en-US", await _engine.RenderAsync("{{ context.locale }}", Scope(Profile(traits: new { locale = "not a locale!" }))));
    }

    [Fact]
    public async Task Context_has_device_and_geo()
    {
        var scope = Scope(Profile(traits: new { city = "Lyon" }), request: new RequestContext(Device: "mobile", Country: "FR"));
        Assert.Equal("mobile FR Lyon", await _engine.RenderAsync("{{ context.device }} {{ context.geo.country }} {{ context.geo.city }}", scope));
    }

    [Fact]
    public async Task Filters_truncate_and_escape_urls()
    {
        var profile = Profile(traits: new { bio = "A very long biography here", q = "a b&c" });
        Assert.Equal("A very...", await _engine.RenderAsync("{{ profile.bio | truncate: 9 }}", Scope(profile)));
        Assert.Equal("a%20b%26c", await _engine.RenderAsync("{{ profile.q | url_escape }}", Scope(profile)));
        Assert.Equal("a&#x2B;b%26c", await _engine.RenderAsync("{{ profile.q | url_encode }}", Scope(profile)));
    }

    [Fact]
    public async Task Json_filter_serialises_profile_data()
    {
        var profile = Profile(traits: new { plan = "pro" });
        Assert.Equal("{\"plan\":\"pro\"}", await _engine.RenderAsync("{{ profile.traits | json | raw }}", Scope(profile)));
    }

    [Fact]
    public async Task Recommendations_and_campaign_are_in_scope()
    {
        var scope = Scope(Profile(), recommendations: [new RecommendedItem("sku-1", "Shoes", 59.9m, "/p/1", null, 10, 3), new RecommendedItem("sku-2", "Hat", null, null, null, 2, 9)]);
        Assert.Equal("Shoes,Hat", await _engine.RenderAsync("{{ recommendations | map: 'name' | join: ',' }}", scope));
        var campaign = new RenderScope { Now = Now, Campaign = new Dictionary<string, object?> { ["name"] = "Spring" } };
        Assert.Equal("Spring", await _engine.RenderAsync("{{ campaign.name }}", campaign));
    }

    [Fact]
    public async Task Strict_mode_reports_every_missing_variable_with_its_line()
    {
        const string source = "Hi {{ profile.traits.first_name | default: 'there' }}\n{{ profile.traits.last_name }}\n{% if user.segment.discount > 0 %}x{% endif %}\n{% for p in recommendations %}{{ p.name }}{% endfor %}{{ profile.id }}";
        var result = await _engine.RenderAsync(_engine.Parse(source), Scope(Profile()), new RenderSettings(Strict: true), CancellationToken.None);
        Assert.Equal(
            [("profile.traits.first_name", 1, true), ("profile.traits.last_name", 2, false), ("user.segment.discount", 3, false), ("recommendations", 4, false)],
            result.Missing.Select(m => (m.Path, m.Line, m.HasDefault)).ToArray());
        Assert.StartsWith("Hi there\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_strict_mode_nothing_is_reported()
    {
        var result = await _engine.RenderAsync(_engine.Parse("{{ profile.traits.nope }}"), Scope(Profile()), RenderSettings.Default, CancellationToken.None);
        Assert.Empty(result.Missing);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Names_are_case_sensitive()
    {
        Assert.Equal("[]", await _engine.RenderAsync("[{{ Profile.id }}]", Scope(Profile())));
    }

    [Fact]
    public async Task A_parsed_template_renders_concurrently_for_different_profiles()
    {
        var template = _engine.Parse("{{ profile.first_name }}");
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            _engine.RenderAsync(template, Scope(Profile($"p{i}", new { first_name = $"n{i}" })), RenderSettings.Default, CancellationToken.None).AsTask()));
        Assert.All(results.Select((r, i) => (r.Output, i)), x => Assert.Equal($"n{x.i}", x.Output));
    }
}
