using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Application;
using Tailor.Application.Experiments;
using Tailor.Core.Delivery;
using Tailor.Core.Experiments;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Server.Admin;
using Tailor.Server.Content;
using Tailor.Server.Hosting;

namespace Tailor.Server.Experiments;

/// <summary>
/// Experiments (admin key, under <c>/api/experiments</c>): create and change drafts, start, stop, read, list and read
/// results (units per arm and each metric's per-arm sums); and the flag read through the API with the write key
/// (<c>GET /v1/experiments/{key}/assignment</c>), with identity verification as <c>/v1/personalize</c> has it.
/// </summary>
public static class ExperimentsApi
{
    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/experiments").WithTags("Experiments");
        api.MapPost("", CreateAsync).WithName("CreateExperiment").WithSummary("Create a draft experiment: subject, variants with weights, metrics, audience, holdout, factors");
        api.MapGet("", ListAsync).WithName("ListExperiments").WithSummary("Every experiment");
        api.MapGet("{key}", GetAsync).WithName("GetExperiment").WithSummary("An experiment by key");
        api.MapPut("{key}", ChangeAsync).WithName("ChangeExperiment").WithSummary("Replace a draft's definition");
        api.MapPost("{key}/start", StartAsync).WithName("StartExperiment").WithSummary("Start a draft: units are assigned and exposures logged from now");
        api.MapPost("{key}/stop", StopAsync).WithName("StopExperiment").WithSummary("Stop a running experiment (results stay readable)");
        api.MapGet("{key}/results", ResultsAsync).WithName("ExperimentResults")
            .WithSummary("Units per arm, each metric's per-arm sufficient statistics and the statistics; for a segment's members (segment), or per segment (breakdown=a,b)");
        app.MapGet("v1/experiments/{key}/assignment", AssignmentAsync).WithTags("Experiments").WithName("ExperimentAssignment")
            .WithSummary("A visitor's variant of a running flag experiment (write key; userId counts only with its userHash); logged as an exposure");
        return app;
    }

    private static async Task<Results<Created<Experiment>, ProblemHttpResult>> CreateAsync(ExperimentDefinition? request, ExperimentOperations experiments, CancellationToken ct)
    {
        var created = await experiments.CreateAsync(request, ct);
        return created.Problem is { } problem ? ApiProblems.For(problem) : TypedResults.Created($"/api/experiments/{created.Value!.Key}", created.Value);
    }

    private static async Task<Ok<Experiment[]>> ListAsync(ExperimentOperations experiments, CancellationToken ct) =>
        TypedResults.Ok((await experiments.ListAsync(ct)).ToArray());

    private static async Task<Results<Ok<Experiment>, NotFound, ProblemHttpResult>> GetAsync(string key, ExperimentOperations experiments, CancellationToken ct) =>
        Map(await experiments.GetAsync(key, ct));

    private static async Task<Results<Ok<Experiment>, NotFound, ProblemHttpResult>> ChangeAsync(string key, ExperimentDefinition? request, ExperimentOperations experiments, CancellationToken ct) =>
        Map(await experiments.ChangeAsync(key, request, ct));

    private static async Task<Results<Ok<Experiment>, NotFound, ProblemHttpResult>> StartAsync(string key, ExperimentOperations experiments, CancellationToken ct) =>
        Map(await experiments.StartAsync(key, ct));

    private static async Task<Results<Ok<Experiment>, NotFound, ProblemHttpResult>> StopAsync(string key, ExperimentOperations experiments, CancellationToken ct) =>
        Map(await experiments.StopAsync(key, ct));

    private static async Task<Results<Ok<ResultsView>, NotFound, ProblemHttpResult>> ResultsAsync(string key, string? segment, string? breakdown, ExperimentOperations experiments,
        CancellationToken ct)
    {
        if (breakdown is not null)
        {
            if (segment is not null) return ApiProblems.Invalid("breakdown", "must not be combined with segment");
            var parts = await experiments.BreakdownAsync(key, breakdown.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), ct);
            if (parts.Problem is { } breakdownProblem) return breakdownProblem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(breakdownProblem);
            return TypedResults.Ok(ResultsView.Of(parts.Value![0]) with { Breakdown = parts.Value.Skip(1).Select(ResultsView.Of).ToArray() });
        }
        var results = await experiments.ResultsAsync(key, segment, ct);
        if (results.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem);
        return TypedResults.Ok(ResultsView.Of(results.Value!));
    }

    private static Results<Ok<Experiment>, NotFound, ProblemHttpResult> Map(OperationResult<Experiment> result) =>
        result.Problem is { } problem ? problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem) : TypedResults.Ok(result.Value!);

    /// <param name="InExperiment">False for a visitor who is unknown, unverified, without consent or outside the audience: they get the first variant (the control), and no exposure is logged.</param>
    public sealed record AssignmentView(string Experiment, string Variant, string? Value, IReadOnlyDictionary<string, string>? Levels, bool InExperiment);

    private static async Task<Results<Ok<AssignmentView>, NotFound, ProblemHttpResult>> AssignmentAsync(HttpContext http, string key, string? userId, string? userHash,
        string? anonymousId, AccessKeys keys, IdentityVerification verification, ContentRenderer renderer, ContentCatalog catalog, ExperimentServing serving, CancellationToken ct)
    {
        var writeKey = AccessKeys.BasicUser(http.Request);
        if (await keys.SourceAsync(writeKey, ct) is null)
            return TypedResults.Problem(title: writeKey is null ? "A write key is required" : "Unknown write key", statusCode: StatusCodes.Status401Unauthorized,
                extensions: new Dictionary<string, object?> { ["field"] = "writeKey", ["rule"] = "must be the write key of a source, as the HTTP Basic username" });
        if (string.IsNullOrEmpty(userId) && string.IsNullOrEmpty(anonymousId)) return ApiProblems.Invalid("userId", "userId or anonymousId is required");
        if (await serving.RunningAsync(key, ct) is not { } experiment || experiment.Definition.Subject.Kind != SubjectKind.Flag) return TypedResults.NotFound();

        var verified = !string.IsNullOrEmpty(userId) && await verification.VerifiesAsync(userId, userHash, ct);
        ProfileIdentifier? identity = verified ? new ProfileIdentifier(IdentityTypes.UserId, userId!)
            : !string.IsNullOrEmpty(anonymousId) ? new ProfileIdentifier(IdentityTypes.AnonymousId, anonymousId) : null;
        var profileId = identity is null ? null : await renderer.Profiles.OwnerAsync(identity.Value, ct);
        var facts = profileId is null ? null : await renderer.FactsAsync(profileId, await catalog.CurrentAsync(ct), ct, warm: true);
        var control = experiment.Definition.Variants[0];
        if (facts is null || ConsentGate.Refusal(facts.Profile, ConsentPurposes.Personalization) is not null
            || await serving.ByKeyAsync(key, facts.Profile, identity!.Value, ct) is not { } served || served.Variant is not { } variant)
            return TypedResults.Ok(new AssignmentView(key, control.Key, control.Value, control.Levels, InExperiment: false));
        return TypedResults.Ok(new AssignmentView(key, variant.Key, variant.Value, variant.Levels, InExperiment: true));
    }
}
