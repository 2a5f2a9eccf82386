using System.Diagnostics;
using System.Globalization;
using Tailor.Application.Pipeline;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Privacy;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage;

namespace Tailor.Benchmarks;

/// <summary>
/// How the profile fold's cost splits between identity resolution and the rest (issue 15, docs/scale.md "The fold
/// partitioned by profile key"): the partitioned fold keeps resolution serial, so its share bounds what splitting the
/// fold can gain. Per round, two fresh SQLite stores take the same events of the mix (encryption at rest on, as by
/// default); one is folded whole by <see cref="ProfilePipeline"/>, the other only resolved: the same batches through
/// <see cref="IdentityResolver"/> alone, committing what the resolver stage would write (new profile rows, identity
/// links, one assignment row per event, merges, the position) and nothing of what the reduction writes (traits,
/// computed values, trait and consent history). Both keep a working set, as the pipeline does. CPU time of the process
/// per event, rounds alternated, medians.
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/Tailor.Benchmarks -- fold-split [events] [rounds]</c></remarks>
public static class FoldSplitRun
{
    public static async Task RunAsync(string[] args)
    {
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var random = new Random(13);
        var messages = Enumerable.Range(0, events).Select(i => SampleEvents.ToEvent(SampleEvents.Mixed(i, random, events / 10))).ToArray();
        await RoundAsync(messages[..Math.Min(4_000, messages.Length)], resolveOnly: false); // warm-up (JIT), not counted
        await RoundAsync(messages[..Math.Min(4_000, messages.Length)], resolveOnly: true);
        var whole = new List<double>();
        var resolved = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var resolveOnly in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var cpu = await RoundAsync(messages, resolveOnly, report: true);
                (resolveOnly ? resolved : whole).Add(cpu);
                Console.WriteLine($"round {round + 1} {(resolveOnly ? "resolution only" : "whole fold     ")}: {cpu,7:N1} µs CPU per event");
            }
        }
        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        var (w, r) = (Median(whole), Median(resolved));
        Console.WriteLine();
        Console.WriteLine($"| {events:N0} events of the mix, CPU µs per event, medians of {rounds} | whole fold | resolution only | share |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| per event | {w:N1} | {r:N1} | {r / w:P0} |");
    }

    /// <summary>The resolver's CPU by phase (the process's CPU, so the store's writer thread counts where it works).</summary>
    private sealed class Phases
    {
        public TimeSpan Read, Owners, Resolve, Commit;
    }

    private static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Appends <paramref name="messages"/> to a new store, then folds or resolves them all; the CPU µs per event of that second part.</summary>
    private static async Task<double> RoundAsync(TailorEvent[] messages, bool resolveOnly, bool report = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tailor-fold-split-" + Guid.NewGuid().ToString("N"));
        using var protection = new PersonalDataProtection(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields);
        try
        {
            await using var store = await TailorStores.OpenAsync(directory, null, TimeProvider.System, protection, CancellationToken.None);
            foreach (var batch in messages.Chunk(500)) await store.Events.AppendAsync(batch, CancellationToken.None);
            var reducer = new ProfileReducer(EngagementWeights.Default);
            var cpu = CpuTime();
            long applied;
            var phases = new Phases();
            if (resolveOnly)
            {
                applied = await ResolveAllAsync(store, reducer.Limits, phases);
                if (report)
                    Console.WriteLine($"  of which (µs CPU per event): read and parse {Per(phases.Read)}, owners {Per(phases.Owners)}, resolve {Per(phases.Resolve)}, commit {Per(phases.Commit)}");
                string Per(TimeSpan t) => (t.TotalMicroseconds / messages.Length).ToString("N1", CultureInfo.InvariantCulture);
            }
            else
            {
                using var pipeline = new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers, reducer, TimeProvider.System);
                applied = await pipeline.CatchUpAsync(CancellationToken.None);
            }
            var perEvent = (CpuTime() - cpu).TotalMicroseconds / Math.Max(1, applied);
            if (applied != messages.Length) throw new InvalidOperationException($"{applied} of {messages.Length} events processed");
            return perEvent;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>What the resolver stage of the partitioned fold would do, batch by batch, as <see cref="ProfilePipeline"/> reads them.</summary>
    private static async Task<long> ResolveAllAsync(TailorDatabase store, ProfileLimits limits, Phases phases)
    {
        var working = new ProfileWorkingSet();
        long position = 0, applied = 0;
        while (true)
        {
            var cpu = CpuTime();
            var logged = await store.Events.ReadSealedAfterAsync(position, ProfilePipeline.DefaultBatchSize, CancellationToken.None);
            if (logged.Count == 0) return applied;
            var views = new EventView[logged.Count];
            for (var i = 0; i < logged.Count; i++)
            {
                views[i] = EventView.Parse(logged[i]);
                if (ProfileBatch.NeedsOpenedPayload(views[i])) views[i] = EventView.Parse(store.Events.Open(logged[i]));
            }
            phases.Read += CpuTime() - cpu;
            cpu = CpuTime();
            var owners = await working.OwnersAsync(IdentityResolver.IdentitiesOf(views, limits), store.Profiles, CancellationToken.None);
            phases.Owners += CpuTime() - cpu;
            cpu = CpuTime();
            var now = DateTimeOffset.UtcNow;
            var resolver = new IdentityResolver(owners, limits, now, []);
            var loaded = owners.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            var created = new Dictionary<string, Profile>(StringComparer.Ordinal); // the resolver writes new profiles only (empty); merged_into is the fold's
            var assignments = new List<EventAssignment>(views.Length);
            foreach (var view in views)
            {
                if (resolver.Resolve(view) is not { } resolution) continue;
                if (!loaded.Contains(resolution.Target.Id)) created[resolution.Target.Id] = resolution.Target;
                assignments.Add(new EventAssignment(view.Logged.Sequence, resolution.Target.Id));
            }
            var changes = new ProfileChangeSet([.. created.Values], resolver.Links, assignments, [], resolver.Merges,
                new PositionMove(Followers.Profiles, position, logged[^1].Sequence));
            phases.Resolve += CpuTime() - cpu;
            cpu = CpuTime();
            await store.Profiles.CommitAsync(changes, CancellationToken.None);
            working.Committed(changes);
            phases.Commit += CpuTime() - cpu;
            position = logged[^1].Sequence;
            applied += logged.Count;
        }
    }
}
