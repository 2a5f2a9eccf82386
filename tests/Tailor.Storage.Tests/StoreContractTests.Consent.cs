using System.Text.Json.Nodes;
using Tailor.Core.Identity;
using Tailor.Core.Sources;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>What the consent gates read and the per-source privacy settings: kept per source, replaced, removed.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Source_privacy_settings_are_saved_replaced_and_removed_per_source()
    {
        Assert.Empty(await Store.Sources.PrivacyAsync(Ct));
        await Store.Sources.SavePrivacyAsync("src_web", new SourcePrivacy(SourcePrivacy.Pseudonymous, AllowTraits: ["email"]), At(1), Ct);
        await Store.Sources.SavePrivacyAsync("src_shop", new SourcePrivacy(DenyProperties: ["card_number"]), At(1), Ct);
        await Store.Sources.SavePrivacyAsync("src_web", new SourcePrivacy(SourcePrivacy.Drop), At(2), Ct);

        var saved = await Store.Sources.PrivacyAsync(Ct);
        Assert.Equal((SourcePrivacy.Drop, null), (saved["src_web"].WithoutAnalyticsConsent, saved["src_web"].AllowTraits));
        Assert.Equal(["card_number"], saved["src_shop"].DenyProperties!);
        await Store.Sources.SavePrivacyAsync("src_shop", null, At(3), Ct);
        Assert.Equal(["src_web"], (await Store.Sources.PrivacyAsync(Ct)).Keys);
    }

    [Fact]
    public async Task Analytics_reads_live_profiles_with_their_consent_and_leaves_out_unknown_ids()
    {
        await IngestAsync(Identify(At(1), "fan", traits: new JsonObject { ["consent"] = new JsonObject { ["personalization"] = true } }), Identify(At(1), "shy"));
        var fan = await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.UserId, "fan"));
        var shy = await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.UserId, "shy"));

        var live = await Store.Analytics.LiveProfilesAsync([fan.Id, shy.Id, "prf_nobody"], Ct);

        Assert.Equal(new[] { fan.Id, shy.Id }.Order(StringComparer.Ordinal), live.Keys.Order(StringComparer.Ordinal));
        Assert.True(live[fan.Id].Consent["personalization"].Granted);
        Assert.Empty(live[shy.Id].Consent);
    }
}
