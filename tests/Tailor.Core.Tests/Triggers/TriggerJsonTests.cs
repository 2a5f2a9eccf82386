using Tailor.Core.Delivery;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Triggers;

namespace Tailor.Core.Tests.Triggers;

public sealed class TriggerJsonTests
{
    private const string Cart = """
        {"name": "Cart recovery", "start": {"event": "Product Added"}, "goal": "Order Completed",
         "steps": [{"wait": "30m"}, {"action": {"email": {"subject": "Your cart", "body": "{{ event.properties.name }}"}}}]}
        """;

    [Fact]
    public void A_cart_trigger_reads_into_its_model()
    {
        var t = TriggerJson.Parse(Cart);
        Assert.Equal("Cart recovery", t.Name);
        Assert.Equal(new EventStart("Product Added", null), t.Start);
        Assert.Equal("Order Completed", t.Goal);
        var wait = Assert.IsType<WaitStep>(t.Steps[0]);
        Assert.Equal(TimeSpan.FromMinutes(30), wait.Duration);
        Assert.Equal("1", wait.Id);
        var email = Assert.IsType<EmailAction>(Assert.IsType<ActionStep>(t.Steps[1]).Action);
        Assert.Equal(EmailAction.DefaultTo, email.To);
        Assert.Equal(ReentryPolicy.Always, t.Reentry);
    }

    [Fact]
    public void Conditions_use_the_segment_rule_language_in_text_or_json()
    {
        var t = TriggerJson.Parse("""
            {"name": "x", "start": {"event": "Product Added", "if": "performed \"Product Viewed\" in last 24 hours"},
             "steps": [{"if": {"tag": "vip"}, "then": "mail", "else": "exit"}, {"id": "mail", "action": {"profile": {"addTags": ["offered"]}}}]}
            """);
        Assert.IsType<Performed>(((EventStart)t.Start).If);
        var condition = Assert.IsType<ConditionStep>(t.Steps[0]);
        Assert.Equal(new HasTag("vip"), condition.If);
        Assert.Equal("mail", condition.Then);
    }

    [Theory]
    [InlineData("""{"start": {"event": "A"}, "steps": [{"wait": "1m"}]}""", "$.name", "is required")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": []}""", "$.steps", "non-empty array")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1.5h"}]}""", "$.steps[0].wait", "whole number of seconds")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1h", "untl": "B"}]}""", "$.steps[0].untl", "is not a field here")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"if": "performed Order Completed"}]}""", "$.steps[0].if", "line 1, column 11: expected an event name in quotes")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"if": {"tag": "a", "x": 1}}]}""", "$.steps[0].if.x", "")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"id": "a", "wait": "1m"}, {"if": "has tag \"x\"", "then": "a"}]}""", "$.steps[1].then", "must name a later step")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"if": "has tag \"x\"", "then": "nope"}]}""", "$.steps[0].then", "there is no step 'nope'")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"action": {"webhook": {"url": "ftp://x"}}}]}""", "$.steps[0].action.webhook.url", "absolute http or https URL")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"action": {"email": {"body": "b"}}}]}""", "$.steps[0].action.email.subject", "is required")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1m"}], "caps": [{"max": 0, "per": "7d"}]}""", "$.caps[0].max", "at least 1")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1m"}], "quietHours": {"from": "21:00", "to": "08:00", "timezone": "Mars/Base"}}""", "$.quietHours.timezone", "IANA")]
    [InlineData("""{"name": "x", "start": {"segment": "S", "on": "leave"}, "steps": [{"wait": "1m"}]}""", "$.start.on", "\"entry\" or \"exit\"")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1m"}], "reentry": "sometimes"}""", "$.reentry", "\"always\", \"never\"")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1m"}, {"id": "1", "wait": "1m"}]}""", "$.steps[1].id", "must be unique")]
    [InlineData("""{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1m"}]""", "$", "valid JSON")]
    public void Invalid_definitions_name_the_path_and_the_rule(string json, string path, string rule)
    {
        var error = Assert.Throws<TriggerDefinitionException>(() => TriggerJson.Parse(json));
        Assert.Equal(path, error.Path);
        Assert.Contains(rule, error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Global_caps_read_channel_max_and_period()
    {
        var caps = FrequencyCap.ParseGlobal("email:3/1d, webhook:20/1h");
        Assert.Equal(2, caps.Count);
        Assert.Equal(new Tailor.Core.Delivery.FrequencyCap(3, TimeSpan.FromDays(1), "email"), caps[0]);
        var error = Assert.Throws<FormatException>(() => FrequencyCap.ParseGlobal("mail:3/1d"));
        Assert.Contains("channel:max/per", error.Message, StringComparison.Ordinal);
    }
}
