using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Delivery;

namespace Tailor.Core.Tests.Delivery;

/// <summary>Outbox payloads are written and read through the same records, and rows already in an outbox still read.</summary>
public sealed class DeliveryPayloadTests
{
    [Fact]
    public void Every_kind_reads_back_what_was_written()
    {
        using var start = JsonDocument.Parse("""{"properties": {"name": "Red Shoes"}}""");
        var email = new EmailPayload("ann@example.test", null, "{{ profile.traits.first_name }}", "Hi", null, start.RootElement.Clone(), Liquid: true);
        var readEmail = Assert.IsType<EmailPayload>(DeliveryPayload.Read(email.Kind, email.ToJson()));
        Assert.Equal((email.To, email.From, email.Subject, email.Body, email.Template, email.Liquid), (readEmail.To, readEmail.From, readEmail.Subject, readEmail.Body, readEmail.Template, readEmail.Liquid));
        Assert.Equal("Red Shoes", readEmail.Event!.Value.GetProperty("properties").GetProperty("name").GetString());

        var hook = new WebhookPayload("https://shop.example/hook", """{"a":1}""", 10_000);
        Assert.Equal(hook, DeliveryPayload.Read("webhook", hook.ToJson()));

        var change = new ProfileChangePayload(new JsonObject { ["plan"] = "gold", ["old"] = null }, ["vip"], []);
        var readChange = Assert.IsType<ProfileChangePayload>(DeliveryPayload.Read("profile", change.ToJson()));
        Assert.Equal(change.Traits.ToJsonString(), readChange.Traits.ToJsonString());
        Assert.Equal(["vip"], readChange.AddTags);
        Assert.Empty(readChange.RemoveTags);
    }

    [Fact]
    public void The_shapes_written_before_the_records_still_read()
    {
        // As the outbox held them: inline emails rendered already (no "liquid"), a template email, a webhook, a profile change.
        var inline = Assert.IsType<EmailPayload>(DeliveryPayload.Read("email", """{"to":"ann@example.test","from":null,"subject":"Ann, hello","body":"Red Shoes"}"""));
        Assert.Equal(("ann@example.test", null, "Ann, hello", "Red Shoes", false), (inline.To, inline.From, inline.Subject, inline.Body, inline.Liquid));
        Assert.Null(inline.Template);

        var template = Assert.IsType<EmailPayload>(DeliveryPayload.Read("email",
            """{"to":"ann@example.test","from":"Shop <shop@example.test>","subject":null,"template":"cart","event":{"event":"Product Added"}}"""));
        Assert.Equal(("cart", "Shop <shop@example.test>", false), (template.Template, template.From, template.Liquid));
        Assert.Equal("Product Added", template.Event!.Value.GetProperty("event").GetString());

        var hook = Assert.IsType<WebhookPayload>(DeliveryPayload.Read("webhook", """{"url":"https://shop.example/hook","body":"{\"run\":\"r\"}","timeoutMs":10000}"""));
        Assert.Equal(TimeSpan.FromSeconds(10), hook.Timeout);
        Assert.Equal("""{"run":"r"}""", hook.Body);

        var change = Assert.IsType<ProfileChangePayload>(DeliveryPayload.Read("profile", """{"traits":{"plan":"gold","old":null},"addTags":["vip"],"removeTags":["trial"]}"""));
        Assert.Equal("gold", (string?)change.Traits["plan"]);
        Assert.Equal(["vip"], change.AddTags);
        Assert.Equal(["trial"], change.RemoveTags);
    }

    [Fact]
    public void The_stored_shape_stays_the_one_rows_were_written_in()
    {
        using var written = JsonDocument.Parse(new WebhookPayload("https://shop.example/hook", "{}", 5000).ToJson());
        Assert.Equal(["url", "body", "timeoutMs"], written.RootElement.EnumerateObject().Select(p => p.Name));
        using var change = JsonDocument.Parse(new ProfileChangePayload(new JsonObject(), [], ["x"]).ToJson());
        Assert.Equal(["traits", "addTags", "removeTags"], change.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void An_unknown_kind_is_refused()
    {
        Assert.Throws<NotSupportedException>(() => DeliveryPayload.Read("sms", "{}"));
    }
}
