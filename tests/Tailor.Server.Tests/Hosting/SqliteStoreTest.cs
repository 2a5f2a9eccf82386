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

    private int _profileIds;

    /// <summary>Appends <paramref name="events"/> to the log and folds everything logged into profiles, as the server's pipeline would.</summary>
    protected async Task IngestAsync(params TailorEvent[] events)
    {
        await Store.Events.AppendAsync(events, Ct);
        await new ProfilePipeline(Store.Events, Store.Positions, Store.Profiles, Store.Merges, Store.Triggers, new ProfileReducer(EngagementWeights.Default), Time,
            () => $"prf_{Interlocked.Increment(ref _profileIds):D4}").CatchUpAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        TempDirectory.Delete(_data);
        GC.SuppressFinalize(this);
    }
}
