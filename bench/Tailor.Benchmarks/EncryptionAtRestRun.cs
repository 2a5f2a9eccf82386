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
        var results = new Dictionary<bool, List<Round>> { [true] = [], [false] = [] };
        await RoundAsync(messages[..Math.Min(2_000, messages.Length)], encrypted: true); // warm-up (JIT, file system), not counted
        await RoundAsync(messages[..Math.Min(2_000, messages.Length)], encrypted: false);
        CpuCost(messages);
        for (var round = 0; round < rounds * 2; round++)
        {
            var encrypted = round % 2 == 0;
            var result = await RoundAsync(messages, encrypted);
            results[encrypted].Add(result);
            Console.WriteLine($"round {round + 1} encryption {(encrypted ? "on " : "off")}: append {result.Append,9:N0} events/s ({result.AppendCpu,6:N1} µs CPU each)  pipeline {result.Pipeline,9:N0} events/s ({result.PipelineCpu,6:N1} µs CPU)  reads {result.Reads,9:N0} profiles/s ({result.ReadCpu,6:N1} µs CPU)");
        }
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        Console.WriteLine();
        Console.WriteLine("| measure (medians of " + rounds + ") | encryption off | encryption on | cost |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, pick) in new (string, Func<Round, double>)[]
            { ("append (events/s)", r => r.Append), ("profile pipeline (events/s)", r => r.Pipeline), ("profile reads by id (profiles/s)", r => r.Reads) })
        {
            var off = Median(results[false].Select(pick));
            var on = Median(results[true].Select(pick));
            Console.WriteLine($"| {name} | {off:N0} | {on:N0} | {(off - on) / off:P1} |");
        }
        // CPU time of the process per item (lower is better): what the code costs, whatever the load of the machine.
        foreach (var (name, pick) in new (string, Func<Round, double>)[]
            { ("append, CPU µs per event", r => r.AppendCpu), ("profile pipeline, CPU µs per event", r => r.PipelineCpu), ("profile read, CPU µs per profile", r => r.ReadCpu) })
        {
            var off = Median(results[false].Select(pick));
            var on = Median(results[true].Select(pick));
            Console.WriteLine($"| {name} | {off:N1} | {on:N1} | {(on - off) / off:P1} |");
        }
    }

    /// <summary>Only the CPU cost (no store): the storage edge per event, and what its parts cost alone.</summary>
    public static void CpuOnly(string[] args)
    {
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        var random = new Random(13);
        var messages = Enumerable.Range(0, events).Select(i => SampleEvents.ToEvent(SampleEvents.Mixed(i, random, events / 10))).ToArray();
        for (var pass = 0; pass < 3; pass++) CpuCost(messages);
        using var cipher = new FieldCipher(PrivacyKeyRing.Generate());
        using var protection = new PersonalDataProtection(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields);
        var plain = "ada.lovelace.u000123@example.com"u8.ToArray();
        var ad = "event:src_bench:m123-abcdef\0email"u8.ToArray();
        var sealedText = cipher.Encrypt(plain, ad);
        var repeat = events * 5;
        void Time(string what, Action action)
        {
            var (clock, cpu) = (Stopwatch.StartNew(), CpuTime());
            for (var i = 0; i < repeat; i++) action();
            Console.WriteLine($"{what}: {clock.Elapsed.TotalMicroseconds / repeat:N2} µs wall, {(CpuTime() - cpu).TotalMicroseconds / repeat:N2} µs CPU");
        }
        for (var pass = 0; pass < 2; pass++)
        {
            Time("FieldCipher.Encrypt of one 32-byte value", () => cipher.Encrypt(plain, ad));
            Time("FieldCipher.TryDecrypt of one 32-byte value", () => cipher.TryDecrypt(sealedText, ad));
            var traits = """{"email":"ada.lovelace.u000123@example.com","firstName":"Ada","lastName":"Lovelace","city":"London","country":"GB","plan":"standard","visits":12,"newsletter":true}""";
            var sealedTraits = protection.ProtectTraits(traits, "profile:prf_123");
            Time("PersonalDataProtection.Reveal of a profile's traits (3 protected of 8)", () => protection.Reveal(sealedTraits, "profile:prf_123"));
            Time("PersonalDataProtection.ProtectTraits of a profile's traits (3 protected of 8)", () => protection.ProtectTraits(traits, "profile:prf_123"));
            var identity = protection.ProtectText("ada.lovelace.u000123@example.com", "email", "identity:hmac:abc");
            Time("PersonalDataProtection.RevealText of an email identity", () => protection.RevealText(identity, "email", "identity:hmac:abc"));
            Time("PersonalDataProtection.LookupValue of an email", () => protection.LookupValue("email", "ada.lovelace.u000123@example.com"));
            var nonce = new byte[12];
            Time("RandomNumberGenerator.Fill(12 bytes)", () => System.Security.Cryptography.RandomNumberGenerator.Fill(nonce));
        }
    }

    /// <summary>
    /// The CPU the storage edge adds per event, single thread: encrypting the protected fields of a payload, and
    /// decrypting them; wall time and the process's CPU time (the machine is shared: CPU time is what the code costs).
    /// </summary>
    private static void CpuCost(TailorEvent[] messages)
    {
        using var protection = new PersonalDataProtection(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields);
        var stored = new string[messages.Length];
        var scopes = messages.Select(m => "event:" + m.SourceId + ":" + m.MessageId).ToArray();
        for (var pass = 0; pass < 2; pass++)
        {
            var (clock, cpu) = (Stopwatch.StartNew(), CpuTime());
            for (var i = 0; i < messages.Length; i++) stored[i] = protection.ProtectMessage(messages[i].Payload, scopes[i]);
            var (protect, protectCpu) = (clock.Elapsed.TotalMicroseconds / messages.Length, (CpuTime() - cpu).TotalMicroseconds / messages.Length);
            (clock, cpu) = (Stopwatch.StartNew(), CpuTime());
            for (var i = 0; i < messages.Length; i++) _ = protection.Reveal(stored[i], scopes[i]);
            var (reveal, revealCpu) = (clock.Elapsed.TotalMicroseconds / messages.Length, (CpuTime() - cpu).TotalMicroseconds / messages.Length);
            if (pass == 1)
                Console.WriteLine($"per event (single thread, {messages.Length:N0} events of the mix): encrypt {protect:N1} µs wall, {protectCpu:N1} µs CPU; decrypt {reveal:N1} µs wall, {revealCpu:N1} µs CPU");
        }
    }

    private static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    private static async Task<Round> RoundAsync(TailorEvent[] messages, bool encrypted)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tailor-encryption-bench-" + Guid.NewGuid().ToString("N"));
        using var protection = encrypted ? new PersonalDataProtection(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields) : null;
        try
        {
            await using var store = await TailorStores.OpenAsync(directory, null, TimeProvider.System, protection, CancellationToken.None);
            var (clock, cpu) = (Stopwatch.StartNew(), CpuTime());
            foreach (var batch in messages.Chunk(200)) await store.Events.AppendAsync(batch, CancellationToken.None);
            var append = messages.Length / clock.Elapsed.TotalSeconds;
            var appendCpu = (CpuTime() - cpu).TotalMicroseconds / messages.Length;

            var pipeline = new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers, new ProfileReducer(EngagementWeights.Default),
                TimeProvider.System);
            (clock, cpu) = (Stopwatch.StartNew(), CpuTime());
            var applied = await pipeline.CatchUpAsync(CancellationToken.None);
            var fold = applied / clock.Elapsed.TotalSeconds;
            var foldCpu = (CpuTime() - cpu).TotalMicroseconds / Math.Max(1, applied);

            var ids = new List<string>();
            foreach (var user in messages.Select(m => m.UserId!).Distinct().Take(2_000))
                if (await store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, user), CancellationToken.None) is { } p) ids.Add(p.Id);
            (clock, cpu) = (Stopwatch.StartNew(), CpuTime());
            for (var pass = 0; pass < 3; pass++)
                foreach (var id in ids) _ = await store.Profiles.GetProfileAsync(id, CancellationToken.None);
            var reads = ids.Count * 3 / clock.Elapsed.TotalSeconds;
            var readCpu = (CpuTime() - cpu).TotalMicroseconds / (ids.Count * 3);
            return new(append, fold, reads, appendCpu, foldCpu, readCpu);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    private readonly record struct Round(double Append, double Pipeline, double Reads, double AppendCpu, double PipelineCpu, double ReadCpu);
}
