using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Messaging;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Profiles;
using Tailor.Application.Delivery;
using Tailor.Server.Delivery;
using Tailor.Application.Segments;
using Tailor.Server.Hosting;

namespace Tailor.Server.Campaigns;

/// <summary>
/// Campaigns (admin key): a template sent to a segment's members. Create, send, follow progress and counts, preview
/// for any profile, and send a test to an address.
/// </summary>
public static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("campaigns").WithTags("Campaigns");
        campaigns.MapPost("", CreateAsync).WithName("CreateCampaign").WithSummary("Create a campaign {name, template, segment, subject?, from?, frequencyCaps?}");
        campaigns.MapGet("", ListAsync).WithName("ListCampaigns").WithSummary("Every campaign with its counts");
        campaigns.MapGet("{id}", GetAsync).WithName("GetCampaign").WithSummary("A campaign with counts (sent, suppressed by consent or cap, failed) and progress");
        campaigns.MapGet("{id}/recipients", RecipientsAsync).WithName("CampaignRecipients")
            .WithSummary("The send ledger: each recipient's status and why (?status=failed&after=PROFILE&limit=100)");
        campaigns.MapPost("{id}/send", SendAsync).WithName("SendCampaign").WithSummary("Take the segment's members as the audience and start sending");
        campaigns.MapPost("{id}/preview", PreviewAsync).WithName("PreviewCampaign").WithSummary("The email a profile would get {profileId}: subject, HTML, headers");
        campaigns.MapPost("{id}/test", TestAsync).WithName("TestCampaign").WithSummary("Send the email to an address {email, profileId?}; subject prefixed [Test]");
        return api;
    }

    public sealed record CapRequest(int Max, double? Days, double? Hours, bool? AcrossTailor);

    /// <param name="SendAt">Start by itself at this moment (a schedule); without it the campaign waits for <c>/send</c>.</param>
    public sealed record CampaignRequest(string? Name, string? Template, string? Segment, string? Subject, string? From, CapRequest[]? FrequencyCaps, DateTimeOffset? SendAt);

    public sealed record CampaignCounts(long Audience, long Sent, long SuppressedByConsent, long SuppressedByCap, long Failed, long Interrupted, long Pending);

    public sealed record CampaignView(string Id, string Name, string Template, string Segment, string? Subject, string? From, string Status,
        CampaignCounts Counts, double Progress, IReadOnlyList<string> FrequencyCaps, DateTimeOffset CreatedAt, DateTimeOffset? SendAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt);

    private static async Task<Results<Created<CampaignView>, ProblemHttpResult>> CreateAsync(
        CampaignRequest request, ITailorStore store, ContentCatalog catalog, SegmentEngine segments, LiquidEngine engine, CampaignSender sender, TimeProvider time, CancellationToken ct)
    {
        if (ContentNames.Check("name", request.Name) is { } nameError) return ApiProblems.Invalid(nameError.Field, nameError.Rule);
        if (string.IsNullOrWhiteSpace(request.Template)) return ApiProblems.Invalid("template", "is required");
        if (!(await catalog.CurrentAsync(ct)).Templates.ContainsKey(request.Template))
            return ApiProblems.Invalid("template", $"must name an existing template; \"{request.Template}\" does not exist");
        if (string.IsNullOrWhiteSpace(request.Segment)) return ApiProblems.Invalid("segment", "is required");
        if (segments.Catalog.ByName(request.Segment) is null && segments.Catalog.ById(request.Segment) is null)
            return ApiProblems.Invalid("segment", $"must name an existing segment; \"{request.Segment}\" does not exist");
        if (request.Subject is not null && !engine.TryParseTemplate(request.Subject, out _, out var subjectError)) return ContentApi.SyntaxProblem("subject", subjectError);
        var caps = new List<FrequencyCap>();
        for (var i = 0; i < (request.FrequencyCaps?.Length ?? 0); i++)
        {
            var c = request.FrequencyCaps![i];
            var per = TimeSpan.FromDays(c.Days ?? 0) + TimeSpan.FromHours(c.Hours ?? 0);
            var cap = new FrequencyCap(c.Max, per, Channels.Email, null);
            if (cap.Problem() is { } problem) return ApiProblems.Invalid($"frequencyCaps[{i}]", problem);
            caps.Add(cap);
        }
        var now = time.GetUtcNow();
        if (request.SendAt is { } sendAt && sendAt <= now) return ApiProblems.Invalid("sendAt", "must be in the future; to send now, create without it and POST /send");
        var segmentName = (segments.Catalog.ByName(request.Segment) ?? segments.Catalog.ById(request.Segment))!.Name;
        var campaign = new Campaign($"cmp_{Guid.CreateVersion7():N}", request.Name!.Trim(), request.Template, segmentName, request.Subject, request.From,
            request.SendAt is null ? Campaign.Draft : Campaign.Scheduled, now, null, null, 0, caps, request.SendAt);
        await store.SaveCampaignAsync(campaign, ct);
        if (campaign.Status == Campaign.Scheduled) sender.Wake();
        return TypedResults.Created($"/api/campaigns/{campaign.Id}", await ViewAsync(campaign, store, ct));
    }

    private static async Task<CampaignView> ViewAsync(Campaign c, ITailorStore store, CancellationToken ct)
    {
        var n = await store.RecipientCountsAsync(c.Id, ct);
        long Get(string status) => n.GetValueOrDefault(status);
        var counts = new CampaignCounts(c.AudienceSize, Get(RecipientStatus.Sent), Get(RecipientStatus.SuppressedConsent), Get(RecipientStatus.SuppressedCap),
            Get(RecipientStatus.Failed), Get(RecipientStatus.Interrupted), Get(RecipientStatus.Pending) + Get(RecipientStatus.Sending));
        var total = n.Values.Sum();
        var done = total - counts.Pending;
        var progress = total == 0 ? (c.Status == Campaign.Completed ? 1 : 0) : Math.Round((double)done / total, 4);
        return new CampaignView(c.Id, c.Name, c.Template, c.Segment, c.Subject, c.From, c.Status, counts, progress,
            [.. c.Caps.Select(cap => cap.ToString())], c.CreatedAt, c.SendAt, c.StartedAt, c.CompletedAt);
    }

    private static async Task<Ok<CampaignView[]>> ListAsync(ITailorStore store, CancellationToken ct)
    {
        var views = new List<CampaignView>();
        foreach (var c in await store.ListCampaignsAsync(ct)) views.Add(await ViewAsync(c, store, ct));
        return TypedResults.Ok(views.ToArray());
    }

    private static async Task<Results<Ok<CampaignView>, NotFound>> GetAsync(string id, ITailorStore store, CancellationToken ct) =>
        await store.GetCampaignAsync(id, ct) is { } c ? TypedResults.Ok(await ViewAsync(c, store, ct)) : TypedResults.NotFound();

    private static async Task<Results<Ok<RecipientOutcome[]>, NotFound, ProblemHttpResult>> RecipientsAsync(
        string id, string? status, string? after, int? limit, ITailorStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        string[] statuses = [RecipientStatus.Pending, RecipientStatus.Sending, RecipientStatus.Sent, RecipientStatus.SuppressedConsent,
            RecipientStatus.SuppressedCap, RecipientStatus.Failed, RecipientStatus.Interrupted];
        if (status is not null && !statuses.Contains(status)) return ApiProblems.Invalid("status", $"must be one of {string.Join(", ", statuses)}");
        if (await store.GetCampaignAsync(id, ct) is null) return TypedResults.NotFound();
        return TypedResults.Ok((await store.RecipientsAsync(id, status, after, limit ?? 100, ct)).ToArray());
    }

    private static async Task<Results<Accepted<CampaignView>, NotFound, ProblemHttpResult>> SendAsync(
        string id, ITailorStore store, CampaignStarter starter, CampaignSender sender, CancellationToken ct)
    {
        if (await store.GetCampaignAsync(id, ct) is not { } campaign) return TypedResults.NotFound();
        if (campaign.Status is not (Campaign.Draft or Campaign.Scheduled))
            return TypedResults.Problem(title: $"The campaign is already {campaign.Status}", statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["field"] = "status", ["rule"] = "only a draft or scheduled campaign can be sent" });
        if (await starter.StartAsync(campaign, ct) is not { } started) return ApiProblems.Invalid("segment", $"segment \"{campaign.Segment}\" no longer exists");
        sender.Wake();
        return TypedResults.Accepted($"/api/campaigns/{started.Id}", await ViewAsync(started, store, ct));
    }

    public sealed record PreviewRequest(string? ProfileId);

    public sealed record EmailView(string From, string To, string Subject, string Html, IReadOnlyDictionary<string, string> Headers,
        IReadOnlyList<BlockChoice> Blocks, string? SuppressedBecause);

    private static async Task<Results<Ok<EmailView>, NotFound, NotFound<ContentApi.ProblemDetailsView>, ProblemHttpResult>> PreviewAsync(
        string id, PreviewRequest request, ITailorStore store, ContentCatalog catalog, ContentRenderer renderer, EmailComposer emails, FrequencyPolicy caps, CancellationToken ct)
    {
        if (await store.GetCampaignAsync(id, ct) is not { } campaign) return TypedResults.NotFound();
        if (string.IsNullOrEmpty(request.ProfileId)) return ApiProblems.Invalid("profileId", "is required");
        var content = await catalog.CurrentAsync(ct);
        if (!content.Templates.TryGetValue(campaign.Template, out var template)) return ApiProblems.Invalid("template", $"template \"{campaign.Template}\" no longer exists");
        var facts = await renderer.PreviewFactsAsync(request.ProfileId, content, ct);
        if (facts is null) return ContentApi.NotFound("profile", request.ProfileId);
        try
        {
            var subject = campaign.Subject is null ? null : renderer.Engine.Parse(campaign.Subject);
            var composed = await emails.ComposeAsync(campaign, template, subject, facts, EmailComposer.AddressOf(facts.Profile) ?? "", content, ct);
            var m = composed.Message;
            var suppressed = ConsentGate.Refusal(facts.Profile, Core.Profiles.ConsentPurposes.Email)
                ?? await caps.ViolationAsync(facts.Profile.Id, campaign.Caps, DateTimeOffset.UtcNow, [], ct);
            return TypedResults.Ok(new EmailView(m.From, m.To, m.Subject, m.HtmlBody!, m.Headers, composed.Blocks, suppressed));
        }
        catch (TemplateRenderException e)
        {
            return ApiProblems.Invalid("template", e.Message);
        }
    }

    public sealed record TestRequest(string? Email, string? ProfileId);

    public sealed record TestSent(string To, string Subject);

    private static async Task<Results<Ok<TestSent>, NotFound, NotFound<ContentApi.ProblemDetailsView>, ProblemHttpResult>> TestAsync(
        string id, TestRequest request, ITailorStore store, ContentCatalog catalog, ContentRenderer renderer, EmailComposer emails, IEmailSender sender, CancellationToken ct)
    {
        if (await store.GetCampaignAsync(id, ct) is not { } campaign) return TypedResults.NotFound();
        if (string.IsNullOrWhiteSpace(request.Email) || !System.Net.Mail.MailAddress.TryCreate(request.Email, out _))
            return ApiProblems.Invalid("email", "must be an email address");
        var content = await catalog.CurrentAsync(ct);
        if (!content.Templates.TryGetValue(campaign.Template, out var template)) return ApiProblems.Invalid("template", $"template \"{campaign.Template}\" no longer exists");
        var facts = request.ProfileId is { Length: > 0 } pid ? await renderer.PreviewFactsAsync(pid, content, ct) : null;
        if (request.ProfileId is { Length: > 0 } && facts is null) return ContentApi.NotFound("profile", request.ProfileId);
        try
        {
            var subject = campaign.Subject is null ? null : renderer.Engine.Parse(campaign.Subject);
            var composed = await emails.ComposeAsync(campaign, template, subject, facts, request.Email, content, ct);
            // A test goes to the marketer's own address, not to the profile: no consent check, no contact recorded, its own Message-ID.
            var message = composed.Message with { Subject = "[Test] " + composed.Message.Subject, MessageId = null };
            await sender.SendAsync(message, ct);
            return TypedResults.Ok(new TestSent(message.To, message.Subject));
        }
        catch (TemplateRenderException e)
        {
            return ApiProblems.Invalid("template", e.Message);
        }
        catch (EmailSendException e)
        {
            return TypedResults.Problem(title: "The test email was not accepted", detail: e.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
