using Tailor.Application;
using Tailor.Application.Content;
using Tailor.Core.Content;

namespace Tailor.Server.Content;

/// <summary>
/// A template rendered as one profile would see it (or not personalised), with the strict list of variables that had
/// no value — once, for the API (<c>POST /api/templates/{name}/preview</c>) and the dashboard. A problem names the
/// field: <c>template</c> or <c>profile</c> not found, <c>body</c> when the render fails.
/// </summary>
public sealed class TemplatePreviews(ContentCatalog catalog, ContentPreview preview, PopularItemsSource popular, LiquidEngine engine)
{
    public sealed record Rendered(string Output, string? Subject, IReadOnlyList<MissingVariable> Missing, IReadOnlyList<BlockChoice> Blocks, string? ProfileId);

    /// <param name="strict">Report every variable without a value (previews are where you look for them).</param>
    public async Task<OperationResult<Rendered>> RenderAsync(string name, string? profileId, bool strict, string? locale, CancellationToken ct)
    {
        var content = await catalog.CurrentAsync(ct);
        if (!content.Templates.TryGetValue(name, out var template)) return OperationProblem.NotFound("template", name);
        var facts = profileId is { Length: > 0 } id ? await preview.FactsAsync(id, content.EventNames, ct) : null;
        if (profileId is { Length: > 0 } && facts is null) return OperationProblem.NotFound("profile", profileId);
        try
        {
            var settings = new RenderSettings(Strict: strict, Blocks: content.Blocks, Locale: locale);
            var scope = await preview.ScopeAsync(facts, content.SegmentValues, await popular.ItemsAsync(ct), RequestContext.None, ct);
            var body = await engine.RenderAsync(template.Parsed, scope, settings, ct);
            var subject = template.Subject is null ? null : (await engine.RenderAsync(template.ParsedSubject, scope, settings with { Strict = false }, ct)).Output;
            return new Rendered(body.Output, subject, body.Missing, body.Blocks, facts?.Profile.Id);
        }
        catch (TemplateRenderException e)
        {
            return OperationProblem.Invalid("body", e.Message);
        }
    }
}
