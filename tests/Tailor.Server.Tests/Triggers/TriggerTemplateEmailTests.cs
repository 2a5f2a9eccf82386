using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Triggers;

/// <summary>
/// A trigger's email rendered by the content engine: a stored Liquid template, read with the profile as it is when
/// the email goes out and the event that started the run, with unsubscribe headers and tracked links as campaigns have.
/// </summary>
public sealed class TriggerTemplateEmailTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cart_recovery_email_from_a_liquid_template_lists_the_cart_and_carries_unsubscribe_headers()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        var template = $"cart-{Guid.NewGuid():N}";
        using (var saved = await app.Admin.PostAsync("/api/templates", JsonContent(new JsonObject
        {
            ["name"] = template,
            ["subject"] = "{{ profile.traits.first_name | upcase }}, your cart is waiting",
            ["body"] = """
                <p>Hi {{ profile.traits.first_name }},</p>
                <ul>{% for item in campaign.event.properties.products %}<li>{{ item.name }} – {{ item.price | money: 'en-US', 'USD' }}</li>{% endfor %}</ul>
                <a href="https://shop.example/cart">Back to your cart</a> (from {{ campaign.name }})
                """,
        }), Ct))
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Cart recovery (Liquid)", "start": {"event": "Product Added"}, "goal": "Order Completed",
             "steps": [{"wait": "30m"}, {"action": {"email": {"template": "TEMPLATE"}}}]}
            """.Replace("TEMPLATE", template, StringComparison.Ordinal));
        var to = SmtpSink.NewRecipient("cart-liquid");
        await app.IdentifyAsync("liquid-ann", to, "email");
        await app.TrackAsync("liquid-ann", "Product Added", app.Now,
            new { products = new object[] { new { name = "Red Shoes", price = 59.5 }, new { name = "Blue Socks", price = 7 } } });
        await app.WaitForRunsAsync(trigger, r => r.Count == 1);

        await app.AdvanceAsync(TimeSpan.FromMinutes(30));
        var mail = Assert.Single(await SmtpSink.WaitForAsync(to));
        Assert.Equal("ANN, your cart is waiting", mail.Subject);
        Assert.Contains("<li>Red Shoes – $59.50</li><li>Blue Socks – $7.00</li>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("(from Cart recovery (Liquid))", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.StartsWith("<http", mail.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"https://shop.example/cart\"", mail.HtmlBody, StringComparison.Ordinal); // the link is tracked
    }

    [Fact]
    public async Task An_email_naming_a_template_that_does_not_exist_goes_to_the_dead_letters_with_the_reason()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Missing template", "start": {"event": "Product Added"},
             "steps": [{"action": {"email": {"template": "no-such-template"}}}]}
            """);
        await app.IdentifyAsync("liquid-bob", SmtpSink.NewRecipient("dead"), "email");
        await app.TrackAsync("liquid-bob", "Product Added", app.Now);

        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("dead"));
        Assert.Contains("template \"no-such-template\" does not exist", (string)runs[0].LogOf("dead")!["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_email_with_a_body_too_is_refused_naming_the_field()
    {
        await using var app = await TriggerApp.StartAsync();
        using var response = await app.Admin.PostAsync("/api/triggers", JsonContent(JsonNode.Parse("""
            {"name": "Both", "start": {"event": "Product Added"},
             "steps": [{"action": {"email": {"template": "t", "body": "x"}}}]}
            """)!), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("$.steps[0].action.email.body", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
