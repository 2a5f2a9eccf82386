using System.Text.Json;
using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Core.Tests.Triggers;

/// <summary>
/// What a trigger action stores in the outbox when the run reaches its step: filled with the one Liquid engine, the
/// placeholders users have always written still reading the same.
/// </summary>
public sealed class ActionPayloadsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private const string Cart = """{"properties": {"name": "Red Shoes", "products": [{"name": "A"}, {"name": "B"}], "price": 59.9, "category": "shoes"}}""";

    private static readonly ActionPayloads Payloads = new(new LiquidEngine());

    private static Profile Ann()
    {
        var profile = new Profile { Id = "p1", CreatedAt = T0 };
        profile.Traits["first_name"] = new TraitValue(JsonSerializer.SerializeToElement("Ann"), T0);
        profile.Traits["email"] = new TraitValue(JsonSerializer.SerializeToElement("ann@example.test"), T0);
        return profile;
    }

    private static TriggerCatalog.Compiled Trigger(string steps) =>
        new TriggerCatalog([new StoredTrigger("trg_1", "Cart", $$"""{"name": "Cart", "start": {"event": "Product Added"}, "steps": {{steps}}}""", true, "whsec_x", T0, T0)])
            .ById("trg_1")!;

    private static JourneyRun Run() => new("run_1", "trg_1", "p1", 0, RunStatus.Waiting, T0, null, null, null, null, 1, Cart);

    private static async Task<DeliveryPayload> RenderAsync(string steps, Profile? profile = null)
    {
        var trigger = Trigger(steps);
        var action = ((ActionStep)trigger.Definition.Steps[0]).Action;
        var (payload, problem) = await Payloads.RenderAsync(action, trigger, Run(), "s1", profile ?? Ann(), T0, TestContext.Current.CancellationToken);
        Assert.Null(problem);
        return payload!;
    }

    [Fact]
    public async Task Webhook_data_reads_the_placeholders_users_write_today_lists_joined_and_missing_values_empty()
    {
        var payload = (WebhookPayload)await RenderAsync("""
            [{"action": {"webhook": {"url": "https://shop.example/hook",
              "data": {"text": "Hi {{ profile.traits.first_name }}, {{event.properties.name}} ({{ event.properties.price }}) {{ event.properties.products }} [{{ profile.traits.missing }}]"}}}}]
            """);
        using var body = JsonDocument.Parse(payload.Body);
        Assert.Equal("Hi Ann, Red Shoes (59.9) A, B []", body.RootElement.GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Webhook_data_takes_liquid_filters_and_loops_and_reads_the_trigger()
    {
        var payload = (WebhookPayload)await RenderAsync("""
            [{"action": {"webhook": {"url": "https://shop.example/hook",
              "data": {"text": "{{ profile.traits.first_name | upcase }}:{% for p in event.properties.products %}{{ p.name }};{% endfor %} {{ trigger.name }}"}}}}]
            """);
        using var body = JsonDocument.Parse(payload.Body);
        Assert.Equal("ANN:A;B; Cart", body.RootElement.GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task An_email_fixes_its_address_now_and_keeps_its_liquid_for_send_time()
    {
        var payload = (EmailPayload)await RenderAsync("""[{"action": {"email": {"subject": "{{ profile.traits.first_name }}, hello", "body": "{{ event.properties.name | upcase }}"}}}]""");
        Assert.Equal("ann@example.test", payload.To);
        Assert.True(payload.Liquid);
        Assert.Equal("{{ profile.traits.first_name }}, hello", payload.Subject);
        Assert.Equal("{{ event.properties.name | upcase }}", payload.Body);
        Assert.Equal("Red Shoes", payload.Event!.Value.GetProperty("properties").GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_email_without_an_address_is_a_problem_not_a_payload()
    {
        var profile = Ann();
        profile.Traits.Remove("email");
        var trigger = Trigger("""[{"action": {"email": {"subject": "s", "body": "b"}}}]""");
        var (payload, problem) = await Payloads.RenderAsync(((ActionStep)trigger.Definition.Steps[0]).Action, trigger, Run(), "s1", profile, T0, TestContext.Current.CancellationToken);
        Assert.Null(payload);
        Assert.StartsWith("no email address", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_change_fills_its_string_values_and_keeps_the_others()
    {
        var payload = (ProfileChangePayload)await RenderAsync("""
            [{"action": {"profile": {"set": {"last_cart": "{{ event.properties.name }}", "cart_value": 59.9, "old": null}, "addTags": ["cart"]}}}]
            """);
        Assert.Equal("Red Shoes", (string?)payload.Traits["last_cart"]);
        Assert.Equal(59.9m, (decimal)payload.Traits["cart_value"]!);
        Assert.True(payload.Traits.ContainsKey("old"));
        Assert.Null(payload.Traits["old"]);
        Assert.Equal(["cart"], payload.AddTags);
    }

    [Fact]
    public async Task A_template_that_does_not_parse_fails_the_action_with_the_field()
    {
        var trigger = Trigger("""[{"action": {"webhook": {"url": "https://shop.example/hook", "data": {"x": "{{ event.properties.name "}}}}]""");
        var (payload, problem) = await Payloads.RenderAsync(((ActionStep)trigger.Definition.Steps[0]).Action, trigger, Run(), "s1", Ann(), T0, TestContext.Current.CancellationToken);
        Assert.Null(payload);
        Assert.StartsWith("data.x does not parse", problem, StringComparison.Ordinal);
    }
}
