using System.Text.Json;

namespace Tailor.Application.Analytics;

/// <summary>
/// The usual shape of a job: its parameters read into <typeparamref name="TParameters"/> (a record with defaults), checked
/// by <see cref="Validate"/>, then run. <see cref="Check"/> lets the API refuse bad parameters before queueing a run.
/// </summary>
public abstract class AnalyticsJob<TParameters> : IAnalyticsJob where TParameters : class
{
    public abstract string Kind { get; }

    /// <summary>The rules beyond types (ranges, names that must exist): the first one broken, or null.</summary>
    protected abstract OperationProblem? Validate(TParameters parameters);

    protected abstract Task<OperationResult<AnalyticsOutput>> RunAsync(TParameters parameters, AnalyticsRequest request, IProgress<AnalyticsProgress> progress,
        CancellationToken ct);

    public OperationProblem? Check(JsonElement parameters)
    {
        var read = AnalyticsParameters.Read<TParameters>(parameters);
        return read.Problem ?? Validate(read.Value!);
    }

    public Task<OperationResult<AnalyticsOutput>> RunAsync(AnalyticsRequest request, IProgress<AnalyticsProgress> progress, CancellationToken ct)
    {
        var read = AnalyticsParameters.Read<TParameters>(request.Parameters);
        if (!read.Succeeded) return Task.FromResult<OperationResult<AnalyticsOutput>>(read.Problem!);
        if (Validate(read.Value!) is { } problem) return Task.FromResult<OperationResult<AnalyticsOutput>>(problem);
        return RunAsync(read.Value!, request, progress, ct);
    }
}
