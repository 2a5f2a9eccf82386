using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Tailor.Application;
using Tailor.Application.Privacy;
using Tailor.Application.Profiles;
using Tailor.Server.Hosting;

namespace Tailor.Server.Privacy;

/// <summary><c>/api/privacy</c>: data-subject requests (scope <c>privacy</c>; each one is in the audit trail).</summary>
public static class PrivacyApi
{
    public static RouteGroupBuilder MapPrivacyApi(this RouteGroupBuilder api)
    {
        var privacy = api.MapGroup("privacy").WithTags("Privacy");
        privacy.MapGet("export", ExportAsync).WithName("ExportSubject").Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("Everything Tailor holds on the person with this identity, as one JSON document (the right of access)");
        return api;
    }

    private static async Task<Results<EmptyHttpResult, NotFound<string>, ProblemHttpResult>> ExportAsync(string? type, string? value, HttpContext http,
        ProfileOperations profiles, SubjectExport export, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var found = await profiles.LookupAsync(type, value, ct);
        if (found.Problem is { Kind: ProblemKind.NotFound }) return TypedResults.NotFound("no profile has this identity");
        if (found.Problem is { } problem) return ApiProblems.For(problem);
        var profile = found.Value!;
        http.Response.ContentType = "application/json";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"tailor-export-{profile.Id}.json\"";
        await export.WriteAsync(profile, http.Response.Body, json.Value.SerializerOptions, ct);
        return TypedResults.Empty;
    }
}
