using Microsoft.Extensions.Time.Testing;
using Tailor.Application;
using Tailor.Application.Merges;
using Tailor.Application.Pipeline;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Profiles;

/// <summary>
/// The merge use cases the API and the CLI both call, over a real SQLite store on a fake clock: one rule for when a
/// merge may be undone (the CLI used to skip the check that the merged-away profile is still merged), and the request
/// event made from the injected clock and id source.
/// </summary>
public sealed class MergeOperationsTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string _data = TempDirectory.Create("merge-operations");
    private readonly FakeTimeProvider _time = new(Start);
    private TailorDatabase? _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A visitor and a user tied by one identify: one merge.</summary>
    private async Task<(MergeOperations Merges, ProfilePipeline Pipeline, long MergeId)> MergedAsync()
    {
        _store = await TailorStores.OpenAsync(_data, null, Ct);
        var ids = new IdSource(_time);
        var pipeline = new ProfilePipeline(_store.Events, _store.Positions, _store.Profiles, _store.Merges, _store.Triggers, new ProfileReducer(EngagementWeights.Default), _time);
        await _store.Events.AppendAsync([Identify(Start, anonymousId: "a1"), Identify(Start.AddMinutes(1), "u1"), Identify(Start.AddMinutes(2), "u1", "a1")], Ct);
        await pipeline.CatchUpAsync(Ct);
        var merges = new MergeOperations(_store.Merges, _store.Profiles, ids, _time);
        var listed = await merges.ListAsync("u1", Ct);
        return (merges, pipeline, Assert.Single(listed.Value!).Id);
    }

    [Fact]
    public async Task An_undo_request_is_a_log_event_on_the_injected_clock_naming_the_merge_and_who_asked()
    {
        var (merges, _, mergeId) = await MergedAsync();
        _time.Advance(TimeSpan.FromHours(1));

        var request = await merges.RequestUndoAsync(mergeId, "cli", Ct);

        Assert.True(request.Succeeded);
        Assert.Equal(MergeUndoRequest.EventName, request.Value!.Name);
        Assert.Equal(Start.AddHours(1), request.Value.Timestamp);
        Assert.StartsWith("undo_", request.Value.MessageId, StringComparison.Ordinal);
        Assert.Contains("\"requestedBy\":\"cli\"", request.Value.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merge_already_undone_or_unknown_cannot_be_undone_again()
    {
        var (merges, pipeline, mergeId) = await MergedAsync();
        await _store!.Events.AppendAsync([(await merges.RequestUndoAsync(mergeId, "test", Ct)).Value!], Ct);
        await pipeline.CatchUpAsync(Ct);

        var again = await merges.RequestUndoAsync(mergeId, "test", Ct);
        var unknown = await merges.RequestUndoAsync(mergeId + 1000, "test", Ct);

        Assert.Contains("cannot be undone: it was undone at", again.Problem!.Rule, StringComparison.Ordinal);
        Assert.Equal((ProblemKind.NotFound, "merge"), (unknown.Problem!.Kind, unknown.Problem.Field));
        Assert.NotNull((await merges.GetAsync(mergeId, Ct)).Value!.Merge.UndoneAt);
    }

    [Fact]
    public async Task Merges_are_listed_by_any_identity_of_the_profile_and_an_unknown_one_is_not_found()
    {
        var (merges, _, mergeId) = await MergedAsync();

        var byVisitor = await merges.ListAsync("a1", Ct);
        var unknown = await merges.ListAsync("nobody", Ct);

        Assert.Equal(mergeId, Assert.Single(byVisitor.Value!).Id);
        Assert.Equal((ProblemKind.NotFound, "profile"), (unknown.Problem!.Kind, unknown.Problem.Field));
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        TempDirectory.Delete(_data);
    }
}
