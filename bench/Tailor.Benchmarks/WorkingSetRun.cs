using System.Globalization;
using System.Text.Json;
using Tailor.Application.Pipeline;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Storage;

namespace Tailor.Benchmarks;

/// <summary>
/// What the profile pipeline keeps in memory after folding the load's messages (issue 17, target 3: RSS flat): the
/// managed heap still reachable after a full collection, with the pipeline and its working set alive, less the same
/// figure before the pipeline was made. The messages (an NDJSON file from <c>tailor-loadgen --write-ndjson</c>) are
/// appended to a fresh SQLite store first and are not held. Deterministic: no timing, no other work in the process.
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/Tailor.Benchmarks -- working-set FILE [events]</c></remarks>
public static class WorkingSetRun
{
    public static async Task RunAsync(string[] args)
    {
        var file = args.Length > 1 ? args[1] : throw new ArgumentException("working-set FILE [events]: FILE from tailor-loadgen --write-ndjson");
        var max = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200_000;
        var directory = Path.Combine(Path.GetTempPath(), "tailor-working-set-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var store = await TailorStores.OpenAsync(directory, null, CancellationToken.None);
            var appended = await AppendAsync(store, file, max);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            using var pipeline = new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers,
                new ProfileReducer(EngagementWeights.Default), TimeProvider.System);
            var folded = await pipeline.CatchUpAsync(CancellationToken.None);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            var profiles = await store.Profiles.ProfileCountAsync(CancellationToken.None);
            GC.KeepAlive(pipeline);
            var held = after - before;
            Console.WriteLine($"| events appended / folded | profiles | heap held by the pipeline after a full collection | per profile |");
            Console.WriteLine("| ---: | ---: | ---: | ---: |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {appended:N0} / {folded:N0} | {profiles:N0} | {held / 1048576.0:N1} MB | {(double)held / Math.Max(1, profiles):N0} B |"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<int> AppendAsync(TailorDatabase store, string file, int max)
    {
        var parser = new MessageParser(IngestionLimits.Default, () => $"gen-{Guid.NewGuid():N}");
        var pending = new List<TailorEvent>(500);
        var appended = 0;
        foreach (var line in File.ReadLines(file))
        {
            if (appended + pending.Count >= max) break;
            using var document = JsonDocument.Parse(line);
            if (parser.Parse(document.RootElement, null, new MessageParser.Arrival("src_bench", DateTimeOffset.UtcNow)).Event is { } e) pending.Add(e);
            if (pending.Count < 500) continue;
            await store.Events.AppendAsync(pending, CancellationToken.None);
            appended += pending.Count;
            pending.Clear();
        }
        if (pending.Count > 0) await store.Events.AppendAsync(pending, CancellationToken.None);
        return appended + pending.Count;
    }
}
