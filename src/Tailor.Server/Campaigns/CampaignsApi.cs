using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Messaging;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Application;
using Tailor.Application.Campaigns;
using Tailor.Application.Content;
using Tailor.Application.Delivery;
using Tailor.Server.Delivery;
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
        campaigns.MapGet("{id}/stats", StatsAsync).WithName("CampaignStats")
            .WithSummary("Emails delivered, opened, clicked (unique and total), unsubscribed and converted (?conversion=Order Completed&window=7d)");
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

    /// <param name="HeldOut">Recipients in the holdout of an experiment on the campaign: not sent (docs/experiments.md).</param>
    public sealed record CampaignCounts(long Audience, long Sent, long SuppressedByConsent, long SuppressedByCap, long Failed, long Interrupted, long Pending, long HeldOut = 0);

    public sealed record CampaignView(string Id, string Name, string Template, string Segment, string? Subject, string? From, string Status,
        CampaignCounts Counts, double Progress, IReadOnlyList<string> FrequencyCaps, DateTimeOffset CreatedAt, DateTimeOffset? SendAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt);

    private static async Task<Results<Created<CampaignView>, ProblemHttpResult>> CreateAsync(
        CampaignRequest request, CampaignOperations campaigns, CampaignSender sender, CancellationToken ct)
    {
        var caps = (request.FrequencyCaps ?? []).Select(c => new FrequencyCap(c.Max, TimeSpan.FromDays(c.Days ?? 0) + TimeSpan.FromHours(c.Hours ?? 0), Channels.Email, null)).ToArray();
        var created = await campaigns.CreateAsync(new CampaignDraft(request.Name, request.Template, request.Segment, request.Subject, request.From, caps, request.SendAt), ct);
        if (created.Value is not { } campaign) return ApiProblems.For(created.Problem!);
        if (campaign.Status == Campaign.Scheduled) sender.Wake();
        return TypedResults.Created($"/api/campaigns/{campaign.Id}", View(await campaigns.ProgressAsync(campaign, ct)));
    }

    private static CampaignView View(CampaignProgress p)
    {
        var c = p.Campaign;
        var counts = new CampaignCounts(c.AudienceSize, p.Count(RecipientStatus.Sent), p.Count(RecipientStatus.SuppressedConsent), p.Count(RecipientStatus.SuppressedCap),
            p.Count(RecipientStatus.Failed), p.Count(RecipientStatus.Interrupted), p.Count(RecipientStatus.Pending) + p.Count(RecipientStatus.Sending), p.Count(RecipientStatus.HeldOut));
        var total = p.Recipients.Values.Sum();
        var done = total - counts.Pending;
        var progress = total == 0 ? (c.Status == Campaign.Completed ? 1 : 0) : Math.Round((double)done / total, 4);
        return new CampaignView(c.Id, c.Name, c.Template, c.Segment, c.Subject, c.From, c.Status, counts, progress,
            [.. c.Caps.Select(cap => cap.ToString())], c.CreatedAt, c.SendAt, c.StartedAt, c.CompletedAt);
    }

    private static async Task<Ok<CampaignView[]>> ListAsync(CampaignOperations campaigns, CancellationToken ct) =>
        TypedResults.Ok((await campaigns.ListAsync(ct)).Select(View).ToArray());

    private static async Task<Results<Ok<CampaignView>, NotFound>> GetAsync(string id, CampaignOperations campaigns, CancellationToken ct) =>
        await campaigns.GetAsync(id, ct) is { } c ? TypedResults.Ok(View(c)) : TypedResults.NotFound();

    private static async Task<Results<Ok<EmailStats>, NotFound, ProblemHttpResult>> StatsAsync(
        string id, string? conversion, string? window, EmailStatsOperations stats, CancellationToken ct)
    {
        var counted = await stats.CampaignAsync(id, conversion, window, ct);
        if (counted.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem);
        return TypedResults.Ok(counted.Value!);
    }

    private static async Task<Results<Ok<RecipientOutcome[]>, NotFound, ProblemHttpResult>> RecipientsAsync(
        string id, string? status, string? after, int? limit, CampaignOperations campaigns, CancellationToken ct)
    {
        var page = await campaigns.RecipientsAsync(id, status, after, limit, ct);
        if (page.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem);
        return TypedResults.Ok(page.Value!.ToArray());
    }

    private static async Task<Results<Accepted<CampaignView>, NotFound, ProblemHttpResult>> SendAsync(
        string id, CampaignOperations campaigns, CampaignSender sender, CancellationToken ct)
    {
        var start = await campaigns.StartAsync(id, ct);
        switch (start.Problem)
        {
            case { Kind: ProblemKind.NotFound }: return TypedResults.NotFound();
            case { } refused: return ApiProblems.For(refused);
        }
        sender.Wake();
        return TypedResults.Accepted($"/api/campaigns/{start.Value!.Id}", View(await campaigns.ProgressAsync(start.Value, ct)));
    }

    public sealed record PreviewRequest(string? ProfileId);

    public sealed record EmailView(string From, string To, string Subject, string Html, IReadOnlyDictionary<string, string> Headers,
        IReadOnlyList<BlockChoice> Blocks, string? SuppressedBecause);

    private static async Task<Results<Ok<EmailView>, NotFound, NotFound<ContentApi.ProblemDetailsView>, ProblemHttpResult>> PreviewAsync(
        string id, PreviewRequest request, CampaignMessages messages, CancellationToken ct)
    {
        var preview = await messages.PreviewAsync(id, request.ProfileId, ct);
        if (preview.Value is not { } p) return Refused<EmailView>(preview.Problem!);
        var m = p.Message;
        return TypedResults.Ok(new EmailView(m.From, m.To, m.Subject, m.HtmlBody!, m.Headers, p.Blocks, p.SuppressedBecause));
    }

    /// <summary>A campaign not found is a plain 404, a profile not found names it, anything else is the field and rule.</summary>
    private static Results<Ok<T>, NotFound, NotFound<ContentApi.ProblemDetailsView>, ProblemHttpResult> Refused<T>(OperationProblem problem) => problem switch
    {
        { Kind: ProblemKind.NotFound, Field: "campaign" } => TypedResults.NotFound(),
        { Kind: ProblemKind.NotFound } => ContentApi.NotFound(problem.Field, problem.Rule),
        _ => ApiProblems.Invalid(problem.Field, problem.Rule),
    };

    public sealed record TestRequest(string? Email, string? ProfileId);

    public sealed record TestSent(string To, string Subject);

    private static async Task<Results<Ok<TestSent>, NotFound, NotFound<ContentApi.ProblemDetailsView>, ProblemHttpResult>> TestAsync(
        string id, TestRequest request, CampaignMessages messages, CancellationToken ct)
    {
        try
        {
            var sent = await messages.TestAsync(id, request.Email, request.ProfileId, ct);
            if (sent.Value is not { } message) return Refused<TestSent>(sent.Problem!);
            return TypedResults.Ok(new TestSent(message.To, message.Subject));
        }
        catch (EmailSendException e)
        {
            return TypedResults.Problem(title: "The test email was not accepted", detail: e.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
