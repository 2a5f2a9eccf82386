using Microsoft.Extensions.Time.Testing;
using Tailor.Application.Pipeline;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Storage;

namespace Tailor.Server.Tests.Hosting;

/// <summary>
/// A test over a real SQLite store in its own temp directory, on a fake clock: what the use-case tests share.
/// Subclasses set up their data and the use case under test in <see cref="SetUpAsync"/>.
/// </summary>
public abstract class SqliteStoreTest(string name) : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create(name);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));

    protected TailorDatabase Store { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Store = await TailorStores.OpenAsync(_data, null, Ct);
        await SetUpAsync();
    }

    protected abstract ValueTask SetUpAsync();


    /// <summary>Appends <paramref name="events"/> to the log and folds everything logged into profiles, as the server's pipeline would.</summary>
    protected async Task IngestAsync(params TailorEvent[] events)
    {
        await Store.Events.AppendAsync(events, Ct);
        await new ProfilePipeline(Store.Events, Store.Positions, Store.Profiles, Store.Merges, Store.Triggers, new ProfileReducer(EngagementWeights.Default), Time).CatchUpAsync(Ct);
    }

    /// <summary>
    /// <paramref name="events"/> with <c>context.consent.categoryPreferences.personalization = true</c>: their profiles
    /// consented to profiling, which analytics write-back and recommendation training are gated on (docs/privacy.md).
    /// </summary>
    protected static TailorEvent[] ConsentingToProfiling(params TailorEvent[] events) =>
        [.. events.Select(e =>
        {
            var message = System.Text.Json.Nodes.JsonNode.Parse(e.Payload)!.AsObject();
            if (message["context"] is not System.Text.Json.Nodes.JsonObject context) message["context"] = context = [];
            context["consent"] = new System.Text.Json.Nodes.JsonObject { ["categoryPreferences"] = new System.Text.Json.Nodes.JsonObject { [ConsentPurposes.Personalization] = true } };
            return e with { Payload = message.ToJsonString() };
        })];

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        TempDirectory.Delete(_data);
        GC.SuppressFinalize(this);
    }
}
