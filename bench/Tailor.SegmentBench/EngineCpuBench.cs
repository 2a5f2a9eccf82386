using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tailor.Application.Pipeline;
using Tailor.Application.Segments;
using Tailor.Core.Events;
using Tailor.Core.Privacy;
using Tailor.Core.Profiles;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Text;
using Tailor.Storage;

namespace Tailor.SegmentBench;

/// <summary>
/// CPU time the segment engine spends per ingested event, with the given segments, in one process on a fresh SQLite
/// store: the load's messages (an NDJSON file from <c>tailor-loadgen --write-ndjson</c>) are appended and folded in
/// steps of <c>--step</c> events as the server does, and only the engine's own work (reads, evaluation, commits) is
/// timed, as process CPU time — a figure that a machine shared with other work does not inflate the way wall time is.
/// </summary>
internal static class EngineCpuBench
{
    /// <param name="encrypted">Encryption at rest on, as a server runs by default (a generated key ring).</param>
    public static async Task<string> RunAsync(string ndjson, string segmentsFile, int step, int maxEvents, bool encrypted, CancellationToken ct)
    {
        var data = Path.Combine(Path.GetTempPath(), $"tailor-enginecpu-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        try
        {
            using var protection = encrypted ? new PersonalDataProtection(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields) : null;
            await using var store = await TailorStores.OpenAsync(data, null, TimeProvider.System, protection, ct);
            var calls = StoreCalls.Wrap(store.Segments);
            using var engine = new SegmentEngine(calls.Store, store.Positions, store.Profiles, TimeProvider.System);
            var now = DateTimeOffset.UtcNow;
            var segments = 0;
            foreach (var (name, rule) in Program.ReadSegments(segmentsFile))
            {
                await store.Segments.SaveSegmentAsync(new SegmentDefinition($"seg_{segments++}", name, RuleParser.Parse(rule), null, 50, now, now), ct);
            }
            await engine.ReloadAsync(ct);
            var pipeline = new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers,
                new ProfileReducer(EngagementWeights.Default), TimeProvider.System);
            var parser = new MessageParser(IngestionLimits.Default, () => $"gen-{Guid.NewGuid():N}");

            var process = Process.GetCurrentProcess();
            var engineCpu = TimeSpan.Zero;
            var engineWall = TimeSpan.Zero;
            long engineBytes = 0;
            var events = 0;
            var changes = 0;
            engine.MembershipChanged += c => changes += c.Count;
            var pending = new List<TailorEvent>(step);
            foreach (var line in File.ReadLines(ndjson))
            {
                if (events + pending.Count >= maxEvents) break;
                using var document = JsonDocument.Parse(line);
                var parsed = parser.Parse(document.RootElement, null, new MessageParser.Arrival("src_bench", DateTimeOffset.UtcNow));
                if (parsed.Event is { } e) pending.Add(e);
                if (pending.Count < step) continue;
                (engineCpu, engineWall) = Add((engineCpu, engineWall), await StepAsync(pending));
                events += pending.Count;
                pending.Clear();
            }
            if (pending.Count > 0)
            {
                (engineCpu, engineWall) = Add((engineCpu, engineWall), await StepAsync(pending));
                events += pending.Count;
            }
            var profiles = await store.Profiles.ProfileCountAsync(ct);
            return string.Create(CultureInfo.InvariantCulture,
                $"| {events:N0} | {profiles:N0} | {segments} | {step} | {engineCpu.TotalSeconds:F2} | **{engineCpu.TotalMilliseconds * 1000 / events:F0}** | {engineWall.TotalSeconds:F2} | {changes:N0} | {engineBytes / 1024.0 / events:F1} |")
                + "\n\n" + calls.Report(events, engineCpu, engineBytes);

            async Task<(TimeSpan Cpu, TimeSpan Wall)> StepAsync(List<TailorEvent> batch)
            {
                await store.Events.AppendAsync(batch, ct);
                await pipeline.CatchUpAsync(ct);
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var bytes = GC.GetTotalAllocatedBytes(precise: true);
                var wall = Stopwatch.StartNew();
                calls.Enabled = true;
                while (await engine.ProcessNextBatchAsync(ct) > 0) { }
                calls.Enabled = false;
                engineBytes += GC.GetTotalAllocatedBytes(precise: true) - bytes;
                process.Refresh();
                return (process.TotalProcessorTime - cpu, wall.Elapsed);
            }
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static (TimeSpan, TimeSpan) Add((TimeSpan Cpu, TimeSpan Wall) a, (TimeSpan Cpu, TimeSpan Wall) b) => (a.Cpu + b.Cpu, a.Wall + b.Wall);

    public const string Header = """
        | events | profiles | segments | events per step | engine CPU s | engine CPU µs/event | engine wall s | membership changes | engine KB allocated/event |
        | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        """;
}
