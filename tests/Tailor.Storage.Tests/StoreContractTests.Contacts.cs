using Tailor.Core.Delivery;
using Tailor.Application.Delivery;

namespace Tailor.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset ContactsNow = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Contacts_are_counted_per_profile_channel_origin_and_window()
    {
        await Store.Contacts.RecordContactAsync(new Contact("p1", Channels.Email, "trigger:cart", ContactsNow.AddDays(-8)), Ct);
        await Store.Contacts.RecordContactAsync(new Contact("p1", Channels.Email, "trigger:cart", ContactsNow.AddDays(-2)), Ct);
        await Store.Contacts.RecordContactAsync(new Contact("p1", Channels.Email, "campaign:spring", ContactsNow.AddHours(-1)), Ct);
        await Store.Contacts.RecordContactAsync(new Contact("p1", Channels.Webhook, "trigger:cart", ContactsNow.AddHours(-1)), Ct);
        await Store.Contacts.RecordContactAsync(new Contact("p2", Channels.Email, "trigger:cart", ContactsNow.AddHours(-1)), Ct);

        var weekAgo = ContactsNow.AddDays(-7);
        Assert.Equal(1, await Store.Contacts.CountContactsAsync("p1", Channels.Email, "trigger:cart", weekAgo, Ct));
        Assert.Equal(2, await Store.Contacts.CountContactsAsync("p1", Channels.Email, null, weekAgo, Ct));
        Assert.Equal(3, await Store.Contacts.CountContactsAsync("p1", Channels.Email, null, ContactsNow.AddDays(-30), Ct));
        Assert.Equal(1, await Store.Contacts.CountContactsAsync("p1", Channels.Webhook, null, weekAgo, Ct));
        Assert.Equal(0, await Store.Contacts.CountContactsAsync("p3", Channels.Email, null, weekAgo, Ct));
    }

    [Fact]
    public async Task Frequency_caps_name_the_cap_that_is_reached()
    {
        FrequencyCap perTrigger = new(1, TimeSpan.FromDays(7), Channels.Email, "trigger:offer"), global = new(3, TimeSpan.FromDays(1), Channels.Email);
        Assert.Null(await FrequencyCaps.ViolationAsync(Store, "p1", [perTrigger, global], ContactsNow, Ct));

        await Store.Contacts.RecordContactAsync(new Contact("p1", Channels.Email, "trigger:offer", ContactsNow.AddDays(-6)), Ct);
        var reason = await FrequencyCaps.ViolationAsync(Store, "p1", [perTrigger, global], ContactsNow, Ct);
        Assert.Equal("frequency cap: at most 1 email per week from trigger:offer (1 already)", reason);
        // A week and a moment later the per-trigger cap allows it again.
        Assert.Null(await FrequencyCaps.ViolationAsync(Store, "p1", [perTrigger, global], ContactsNow.AddDays(1).AddSeconds(1), Ct));

        for (var i = 0; i < 3; i++) await Store.Contacts.RecordContactAsync(new Contact("p1", Channels.Email, $"campaign:c{i}", ContactsNow.AddHours(-i - 1)), Ct);
        Assert.StartsWith("frequency cap: at most 3 email per 1 days across Tailor", await FrequencyCaps.ViolationAsync(Store, "p1", [global], ContactsNow, Ct));
    }
}
