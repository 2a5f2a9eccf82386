using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Experiments;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Server.Admin;
using Tailor.Server.Experiments;
using Tailor.Server.Profiles;
using Tailor.Server.Hosting;
using Tailor.Application.Content;

namespace Tailor.Server.Content;

/// <summary>
/// <c>GET /v1/personalize?placement=P&amp;userId=U&amp;userHash=H</c> (or <c>anonymousId=</c>), with the write key: the
/// placement's content rendered for the visitor and the variant chosen. The write key is public (it is in every
/// page), so the answer gives nothing away: a userId counts only with its identity verification hash, a visitor
/// without a profile and one without consent get the same non-personalised default, and why a variant was chosen
/// is said only in the operator's debug mode.
/// </summary>
public static class PersonalizeApi
{
    public static IEndpointRouteBuilder MapPersonalizeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("v1/personalize", PersonalizeAsync).WithTags("Personalization").WithName("Personalize")
            .WithSummary("Render a placement for a visitor (write key): content and variant; the reason only in debug mode");
        return app;
    }

    /// <param name="Reason">Why this variant: only in debug mode (<see cref="Hosting.SecurityOptions.PersonalizeDebug"/>), since it names rules and traits.</param>
    /// <param name="Personalized">False when the default was served: unknown or unverified visitor, or no consent (which answer the same).</param>
    /// <param name="Experiment">The experiment the visitor is in here, if any (docs/experiments.md), with the <paramref name="Arm"/> served.</param>
    public sealed record PersonalizeView(string Placement, string? Block, string? Template, string Variant, string? Reason, bool Personalized,
        string Content, string Locale, string? Language, string? Experiment = null, string? Arm = null);

    private static async Task<Results<Ok<PersonalizeView>, ProblemHttpResult>> PersonalizeAsync(
        HttpContext http, string? placement, string? userId, string? userHash, string? anonymousId, string? locale, string? device, string? ip,
        Core.Geo.GeoEnrichment geo, AccessKeys keys, ContentCatalog catalog, ContentRenderer renderer, IdentityVerification verification, Hosting.SecurityOptions security, ExperimentServing experiments, CancellationToken ct)
    {
        var writeKey = AccessKeys.BasicUser(http.Request);
        if (await keys.SourceAsync(writeKey, ct) is null)
            return TypedResults.Problem(title: writeKey is null ? "A write key is required" : "Unknown write key", statusCode: StatusCodes.Status401Unauthorized,
                extensions: new Dictionary<string, object?> { ["field"] = "writeKey", ["rule"] = "must be the write key of a source, as the HTTP Basic username" });
        if (string.IsNullOrEmpty(placement)) return ApiProblems.Invalid("placement", "is required");
        if (string.IsNullOrEmpty(userId) && string.IsNullOrEmpty(anonymousId)) return ApiProblems.Invalid("userId", "userId or anonymousId is required");
        var content = await catalog.CurrentAsync(ct);
        if (!content.Placements.TryGetValue(placement, out var place)) return ApiProblems.Invalid("placement", $"must name an existing placement; \"{placement}\" does not exist");

        // A userId without its verification hash is anyone's guess: it counts as unknown (the anonymousId, if any, still speaks).
        var verified = !string.IsNullOrEmpty(userId) && await verification.VerifiesAsync(userId, userHash, ct);
        ProfileIdentifier? identity = verified ? new ProfileIdentifier(IdentityTypes.UserId, userId!)
            : !string.IsNullOrEmpty(anonymousId) ? new ProfileIdentifier(IdentityTypes.AnonymousId, anonymousId) : null;
        var profileId = identity is null ? null : await renderer.Profiles.OwnerAsync(identity.Value, ct);
        var facts = profileId is null ? null : await renderer.FactsAsync(profileId, content, ct, warm: true);
        string? refusal = facts is null
            ? (!string.IsNullOrEmpty(userId) && !verified && identity is null ? "the userId is not verified (userHash missing or wrong), so the visitor counts as unknown" : "no profile for this visitor")
            : ConsentGate.Refusal(facts.Profile, ConsentPurposes.Personalization);
        if (refusal is not null) facts = null; // the non-personalised default: nothing of the profile is read

        // Experiments: the global holdout, then a test on this placement or its block; a holdout gets the non-personalised default.
        var test = facts is null ? null : await experiments.GlobalAsync(facts.Profile, identity!.Value, ct) is { Holdout: true } global ? global
            : await experiments.ForAsync(SubjectKind.Placement, placement, facts.Profile, identity!.Value, ct)
              ?? (place.Block is { } tested ? await experiments.ForAsync(SubjectKind.Block, tested, facts.Profile, identity!.Value, ct) : null);
        if (test is { Holdout: true })
        {
            refusal = $"in the holdout of experiment \"{test.Experiment.Key}\"";
            facts = null;
        }
        var (blockName, templateName) = (place.Block, place.Template);
        if (test?.Variant is { } arm && test.Experiment.Definition.Subject.Kind == SubjectKind.Placement)
        {
            if (arm.Block is not null) (blockName, templateName) = (arm.Block, null);
            else if (arm.Template is not null) (blockName, templateName) = (null, arm.Template);
        }

        // Geo from IP: the visitor's address as the caller gives it (ip=, e.g. a shop's server), else the request's own.
        var seen = geo.Locate(ip, http.Connection.RemoteIpAddress);
        var request = new RequestContext(locale ?? AcceptLanguage(http.Request), device ?? DeviceOf(http.Request), seen?.Country, seen?.City, seen?.Region);
        var scope = await renderer.ScopeAsync(facts, content, request, null, ct, withRecommendations: content.ReadsRecommendations);
        var settings = new RenderSettings(Blocks: content.Blocks);
        var culture = ScopeModel.CultureOf(ScopeModel.LocaleOf(scope.Profile, request)).Name;
        if (blockName is not null && content.Blocks.Find(blockName) is { } block)
        {
            if (test is { Variant.Value: { } forced } && test.Experiment.Definition.Subject.Kind == SubjectKind.Block) block = ExperimentServing.Force(block, forced);
            var r = await renderer.Engine.RenderBlockAsync(block, scope, settings, ct);
            var reason = refusal is null ? r.Choice.Reason : $"{refusal}, so the default renders";
            return TypedResults.Ok(Tagged(new PersonalizeView(placement, blockName, null, r.Choice.Variant, Debug(reason), refusal is null, r.Output, culture, r.Choice.Language)));
        }
        if (templateName is not null && content.Templates.TryGetValue(templateName, out var template))
        {
            try
            {
                var r = await renderer.Engine.RenderAsync(template.Parsed, scope, settings, ct);
                return TypedResults.Ok(Tagged(new PersonalizeView(placement, null, templateName, refusal is null ? "personalised" : ContentBlock.DefaultVariant,
                    Debug(refusal ?? "rendered for the visitor's profile"), refusal is null, r.Output, culture, null)));
            }
            catch (TemplateRenderException e)
            {
                return TypedResults.Ok(new PersonalizeView(placement, null, templateName, "none", Debug($"the template failed to render: {e.Message}"), false, "", culture, null));
            }
        }
        // The placement's block or template was deleted after it was set up: an empty slot, not a broken page.
        return TypedResults.Ok(new PersonalizeView(placement, place.Block, place.Template, "none", Debug("the placement's content no longer exists"), false, "", culture, null));

        string? Debug(string reason) => security.PersonalizeDebug ? reason : null;
        PersonalizeView Tagged(PersonalizeView view) => test is null ? view : view with { Experiment = test.Experiment.Key, Arm = test.Arm };
    }

    private static string? AcceptLanguage(HttpRequest request)
    {
        var header = request.Headers.AcceptLanguage.ToString();
        if (header.Length == 0) return null;
        var first = header.Split(',')[0].Split(';')[0].Trim();
        return first.Length == 0 || first == "*" ? null : first;
    }

    private static string? DeviceOf(HttpRequest request)
    {
        var agent = request.Headers.UserAgent.ToString();
        if (agent.Length == 0) return null;
        return agent.Contains("Mobi", StringComparison.Ordinal) ? "mobile" : agent.Contains("Tablet", StringComparison.Ordinal) || agent.Contains("iPad", StringComparison.Ordinal) ? "tablet" : "desktop";
    }
}
