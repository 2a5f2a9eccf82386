using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Tailor.Application;
using Tailor.Application.Privacy;
using Tailor.Application.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;

namespace Tailor.Server.Privacy;

/// <summary><c>/api/privacy</c>: data-subject requests (scope <c>privacy</c>; each one is in the audit trail); and a profile's consent history.</summary>
public static class PrivacyApi
{
    public static RouteGroupBuilder MapPrivacyApi(this RouteGroupBuilder api)
    {
        var privacy = api.MapGroup("privacy").WithTags("Privacy");
        privacy.MapGet("export", ExportAsync).WithName("ExportSubject").Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("Everything Tailor holds on the person with this identity, as one JSON document (the right of access)");
        privacy.MapPost("erase", EraseAsync).WithName("EraseSubject")
            .WithSummary("Remove everything Tailor holds on the person with this identity (or profile id) and keep late events from recreating them (the right to erasure)");
        privacy.MapDelete("suppressions", LiftSuppressionAsync).WithName("LiftSuppression")
            .WithSummary("Let events carrying this identity be folded into a profile again after an erasure (the person opted in again)");
        api.MapGet("profiles/{id}/consent", ConsentAsync).WithTags("Profiles").WithName("GetConsent")
            .WithSummary("A profile's consent per purpose now, and every change with its source, time, place and text version");
        return api;
    }

    /// <param name="Type">An identity type (email, userId, anonymousId, phone, deviceId) or <c>profileId</c>.</param>
    public sealed record EraseRequest(string? Type, string? Value);

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

    private static async Task<Results<Ok<ErasureSummary>, ProblemHttpResult>> EraseAsync(EraseRequest request, HttpContext http, SubjectErasure erasure, CancellationToken ct)
    {
        var key = http.Features.Get<AdminKey>();
        var erased = await erasure.EraseAsync(request.Type, request.Value, key?.Id ?? "anonymous", key?.Name ?? "", http.Connection.RemoteIpAddress?.ToString(), ct);
        return erased.Succeeded ? TypedResults.Ok(erased.Value!) : Problem(erased.Problem!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LiftSuppressionAsync(string? type, string? value, HttpContext http, SubjectErasure erasure, CancellationToken ct)
    {
        var key = http.Features.Get<AdminKey>();
        var lifted = await erasure.LiftSuppressionAsync(type, value, key?.Id ?? "anonymous", key?.Name ?? "", http.Connection.RemoteIpAddress?.ToString(), ct);
        return lifted.Succeeded ? TypedResults.NoContent() : Problem(lifted.Problem!);
    }

    private static async Task<Results<Ok<ConsentView>, ProblemHttpResult>> ConsentAsync(string id, ConsentHistory consent, CancellationToken ct)
    {
        var view = await consent.GetAsync(id, ct);
        return view.Succeeded ? TypedResults.Ok(view.Value!) : Problem(view.Problem!);
    }

    /// <summary>A refusal as a problem document: 404 when nothing has the identity, else as <see cref="ApiProblems.For"/>.</summary>
    private static ProblemHttpResult Problem(OperationProblem problem) => problem.Kind == ProblemKind.NotFound
        ? TypedResults.Problem(title: $"'{problem.Field}' {problem.Rule}", statusCode: StatusCodes.Status404NotFound,
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { field = problem.Field, rule = problem.Rule } } })
        : ApiProblems.For(problem);
}
