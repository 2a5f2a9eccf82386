using System.Diagnostics;
using System.Globalization;
using Tailor.Application.Pipeline;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Privacy;
using Tailor.Core.Profiles;
using Tailor.Storage;

namespace Tailor.Benchmarks;

/// <summary>
/// What encryption at rest costs (issue 13; BENCHMARKS.md "Privacy: encryption at rest"): on a fresh SQLite store per
/// round, appends of the load generator's mix (every event carries context.ip; product names and identify traits are
/// protected too), the profile pipeline catching up, and profile reads by id, with encryption on and off, rounds
/// interleaved (on, off, on, off, …) so the load of a shared machine falls on both alike; medians per side.
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/Tailor.Benchmarks -- encryption [events] [rounds]</c></remarks>
public static class EncryptionAtRestRun
{
    public static async Task RunAsync(string[] args)
    {
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var random = new Random(13);
        var messages = Enumerable.Range(0, events).Select(i => SampleEvents.ToEvent(SampleEvents.Mixed(i, random, events / 10))).ToArray();
        var results = new Dictionary<bool, List<(double Append, double Pipeline, double Reads)>> { [true] = [], [false] = [] };
        await RoundAsync(messages[..Math.Min(2_000, messages.Length)], encrypted: true); // warm-up (JIT, file system), not counted
        await RoundAsync(messages[..Math.Min(2_000, messages.Length)], encrypted: false);
        CpuCost(messages);
        for (var round = 0; round < rounds * 2; round++)
        {
            var encrypted = round % 2 == 0;
            var result = await RoundAsync(messages, encrypted);
            results[encrypted].Add(result);
            Console.WriteLine($"round {round + 1} encryption {(encrypted ? "on " : "off")}: append {result.Append,9:N0} events/s  pipeline {result.Pipeline,9:N0} events/s  reads {result.Reads,9:N0} profiles/s");
        }
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        Console.WriteLine();
        Console.WriteLine("| measure (medians of " + rounds + ") | encryption off | encryption on | cost |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, pick) in new (string, Func<(double Append, double Pipeline, double Reads), double>)[]
            { ("append (events/s)", r => r.Append), ("profile pipeline (events/s)", r => r.Pipeline), ("profile reads by id (profiles/s)", r => r.Reads) })
        {
            var off = Median(results[false].Select(pick));
            var on = Median(results[true].Select(pick));
            Console.WriteLine($"| {name} | {off:N0} | {on:N0} | {(off - on) / off:P1} |");
        }
    }

    /// <summary>The CPU the storage edge adds per event, single thread: encrypting the protected fields of a payload, and decrypting them.</summary>
    private static void CpuCost(TailorEvent[] messages)
    {
        using var protection = new PersonalDataProtection(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields);
        var stored = new string[messages.Length];
        for (var pass = 0; pass < 2; pass++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < messages.Length; i++) stored[i] = protection.ProtectMessage(messages[i].Payload, "event:" + messages[i].MessageId);
            var protect = clock.Elapsed.TotalMicroseconds / messages.Length;
            clock.Restart();
            for (var i = 0; i < messages.Length; i++) _ = protection.Reveal(stored[i], "event:" + messages[i].MessageId);
            var reveal = clock.Elapsed.TotalMicroseconds / messages.Length;
            if (pass == 1) Console.WriteLine($"CPU per event (single thread, {messages.Length:N0} events of the mix): encrypt {protect:N1} µs, decrypt {reveal:N1} µs");
        }
    }

    private static async Task<(double Append, double Pipeline, double Reads)> RoundAsync(TailorEvent[] messages, bool encrypted)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tailor-encryption-bench-" + Guid.NewGuid().ToString("N"));
        using var protection = encrypted ? new PersonalDataProtection(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields) : null;
        try
        {
            await using var store = await TailorStores.OpenAsync(directory, null, TimeProvider.System, protection, CancellationToken.None);
            var clock = Stopwatch.StartNew();
            foreach (var batch in messages.Chunk(200)) await store.Events.AppendAsync(batch, CancellationToken.None);
            var append = messages.Length / clock.Elapsed.TotalSeconds;

            var next = 0;
            var pipeline = new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers, new ProfileReducer(EngagementWeights.Default),
                TimeProvider.System, () => "prf_" + (++next).ToString("x", CultureInfo.InvariantCulture));
            clock.Restart();
            var applied = await pipeline.CatchUpAsync(CancellationToken.None);
            var fold = applied / clock.Elapsed.TotalSeconds;

            var ids = new List<string>();
            foreach (var user in messages.Select(m => m.UserId!).Distinct().Take(2_000))
                if (await store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, user), CancellationToken.None) is { } p) ids.Add(p.Id);
            clock.Restart();
            for (var pass = 0; pass < 3; pass++)
                foreach (var id in ids) _ = await store.Profiles.GetProfileAsync(id, CancellationToken.None);
            var reads = ids.Count * 3 / clock.Elapsed.TotalSeconds;
            return (append, fold, reads);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
