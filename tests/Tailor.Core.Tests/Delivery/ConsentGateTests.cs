using Tailor.Core.Delivery;
using Tailor.Core.Profiles;

namespace Tailor.Core.Tests.Delivery;

public sealed class ConsentGateTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Granted_consent_for_the_purpose_lets_it_through()
    {
        var profile = new Profile { Id = "p1", CreatedAt = At };
        profile.Consent["email"] = new ConsentRecord(true, At, "web", "https://shop.example/signup");
        Assert.Null(ConsentGate.Refusal(profile, "Email"));
    }

    [Fact]
    public void No_record_withdrawn_consent_and_no_profile_are_refusals_with_a_reason()
    {
        var profile = new Profile { Id = "p1", CreatedAt = At };
        profile.Consent["email"] = new ConsentRecord(false, At, "api", null);
        Assert.Equal("no consent for sms recorded", ConsentGate.Refusal(profile, "sms"));
        Assert.Equal("consent for email withdrawn at 2026-03-01 09:00:00Z via api", ConsentGate.Refusal(profile, "email"));
        Assert.Equal("no profile, so no consent for email", ConsentGate.Refusal(null, "email"));
    }

    [Fact]
    public void A_cap_with_a_bad_field_says_which()
    {
        Assert.Equal("max must be at least 1", new FrequencyCap(0, TimeSpan.FromDays(1), "email").Problem());
        Assert.Equal("per must be a positive duration", new FrequencyCap(1, TimeSpan.Zero, "email").Problem());
        Assert.Null(new FrequencyCap(1, TimeSpan.FromDays(7), "email").Problem());
    }
}
