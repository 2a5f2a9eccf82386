using Tailor.Application.Delivery;
using Tailor.Core.Delivery;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Server.Tests.Delivery;

/// <summary>One frequency-cap policy for triggers and campaigns: the same counting, the same reasons, over one contact log.</summary>
public sealed class FrequencyPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The contact log in memory: this policy's only input.</summary>
    private sealed class Contacts(params Contact[] contacts) : IContactLog
    {
        public Task RecordContactAsync(Contact contact, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> CountContactsAsync(string profileId, string channel, string? origin, DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromResult(contacts.Count(c => c.ProfileId == profileId && c.Channel == channel && (origin is null || c.Origin == origin) && c.At >= since));
    }

    private static TriggerCatalog.Compiled Trigger(string caps) =>
        new TriggerCatalog([new StoredTrigger("trg_1", "Welcome", """{"name": "Welcome", "start": {"event": "Signed Up"}, "caps": CAPS, "steps": [{"action": {"email": {"subject": "s", "body": "b"}}}]}""".Replace("CAPS", caps, StringComparison.Ordinal), true, "whsec", Now, Now)])
            .ById("trg_1")!;

    [Fact]
    public async Task A_trigger_is_held_to_its_own_caps_and_the_global_ones_of_the_channel()
    {
        var contacts = new Contacts(new Contact("p1", Channels.Email, "campaign:cmp_1", Now.AddHours(-1)), new Contact("p1", Channels.Email, "campaign:cmp_2", Now.AddHours(-2)));
        var policy = new FrequencyPolicy(contacts, FrequencyCap.ParseGlobal("email:2/1d,webhook:1/1h"));
        var trigger = Trigger("""[{"max": 1, "per": "7d"}]""");

        var caps = policy.ForTrigger(trigger, Channels.Email);
        Assert.Equal(["at most 1 email per week from trigger:trg_1", "at most 2 email per 1 days across Tailor"], caps.Select(c => c.ToString()));

        // The trigger's own cap counts its contacts only (none); the global one counts the campaigns' two.
        Assert.Equal("frequency cap: at most 2 email per 1 days across Tailor (2 already)", await policy.ViolationAsync("p1", caps, Now, [], Ct));
        Assert.Null(await policy.ViolationAsync("p2", caps, Now, [], Ct));
    }

    [Fact]
    public async Task Contacts_decided_but_not_yet_stored_count()
    {
        var policy = new FrequencyPolicy(new Contacts(), []);
        var caps = policy.ForTrigger(Trigger("""[{"max": 1, "per": "1d"}]"""), Channels.Email);
        Assert.Null(await policy.ViolationAsync("p1", caps, Now, [], Ct));
        Assert.StartsWith("frequency cap: at most 1 email per 1 days from trigger:trg_1 (1 already)",
            await policy.ViolationAsync("p1", caps, Now, [new Contact("p1", Channels.Email, "trigger:trg_1", Now)], Ct));
    }

    [Fact]
    public async Task A_campaign_cap_counts_every_origin_through_the_same_policy()
    {
        var contacts = new Contacts(new Contact("p1", Channels.Email, "trigger:trg_1", Now.AddDays(-1)));
        var policy = new FrequencyPolicy(contacts, FrequencyCap.ParseGlobal("email:1/1d"));
        FrequencyCap[] campaignCaps = [new(1, TimeSpan.FromDays(7), Channels.Email)];

        Assert.Equal("frequency cap: at most 1 email per week across Tailor (1 already)", await policy.ViolationAsync("p1", campaignCaps, Now, [], Ct));
        // A day and a second later the trigger's email is out of the global window, but still inside the campaign's week.
        Assert.NotNull(await policy.ViolationAsync("p1", campaignCaps, Now.AddSeconds(1), [], Ct));
    }
}
