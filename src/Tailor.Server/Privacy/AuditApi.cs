using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Application.Privacy;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;

namespace Tailor.Server.Privacy;

/// <summary><c>/api/audit</c>: the audit trail, newest first, filtered by time, key and action (scope <c>privacy</c>).</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("audit", ListAsync).WithTags("Privacy").WithName("ListAuditEntries")
            .WithSummary("Who did what, when and from where: admin changes, profile reads, exports and refused keys, newest first");
        return api;
    }

    /// <param name="Action">Entries whose action starts with this, e.g. <c>POST /api/segments</c>.</param>
    /// <param name="Before">Paging: only entries before this sequence (the last <c>seq</c> of the previous page).</param>
    private static async Task<Results<Ok<AuditEntry[]>, ProblemHttpResult>> ListAsync(DateTimeOffset? from, DateTimeOffset? to, string? actor, string? action,
        long? before, int? limit, AuditTrail trail, CancellationToken ct)
    {
        var listed = await trail.ListAsync(new AuditQuery(from, to, actor, action, before, limit ?? 100), ct);
        return listed.Succeeded ? TypedResults.Ok(listed.Value!.ToArray()) : ApiProblems.For(listed.Problem!);
    }
}
