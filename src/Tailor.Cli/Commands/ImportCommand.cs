using System.CommandLine;
using Spectre.Console;
using Tailor.Cli.Import;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Application;
using Tailor.Application.Access;
using Tailor.Application.Pipeline;
using Tailor.Application.Import;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor import FILE</c>: loads CSV or NDJSON events, resumably, then brings profiles up to date.</summary>
internal static class ImportCommand
{
    public static Command Create(StoreOptions store)
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV (header names fields, e.g. type,event,userId,timestamp,properties.revenue) or NDJSON (one message per line)" };
        var format = new Option<string?>("--format") { Description = "csv or ndjson (default: from the file extension)" };
        format.AcceptOnlyFromAmong("csv", "ndjson");
        var sourceName = new Option<string>("--source") { Description = "Name of the source the events are recorded under (created if missing)", DefaultValueFactory = _ => "import" };
        var rejectsPath = new Option<string?>("--rejects") { Description = "Where to write rejected records with reasons (default: ./<file>.rejected.ndjson)" };
        var restart = new Option<bool>("--restart") { Description = "Ignore the saved checkpoint and read the file from the start (duplicates are still skipped)" };
        var command = new Command("import", "Import events from a CSV or NDJSON file, with progress; re-running resumes where it stopped") { file, format, sourceName, rejectsPath, restart };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var input = result.GetValue(file)!;
            if (!input.Exists)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] file: '{Markup.Escape(input.FullName)}' does not exist");
                return 2;
            }
            var kind = result.GetValue(format) ?? (input.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "ndjson");
            var time = TimeProvider.System;
            await using var tailor = await store.OpenAsync(result, ct);
            var ids = new IdSource(time);
            var source = await new AccessOperations(tailor.Access, ids, time).SourceNamedAsync(result.GetValue(sourceName)!, "wk", ct);
            var fileKey = await EventImporter.FileKeyAsync(input.FullName, ct);
            if (result.GetValue(restart)) fileKey += $"-restart-{time.GetUtcNow().ToUnixTimeSeconds()}";
            var rejectFile = result.GetValue(rejectsPath) ?? Path.Combine(Environment.CurrentDirectory, input.Name + ".rejected.ndjson");

            await using var stream = new FileStream(input.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new StreamReader(stream);
            await using var rejects = new StreamWriter(rejectFile, append: true);
            var records = kind == "csv" ? CsvRecords.ReadAsync(reader, ct) : NdjsonRecords.ReadAsync(reader, ct);
            // The source's privacy policy applies as at ingestion (docs/privacy.md): consent mode, allow and deny lists.
            var importer = new EventImporter(tailor.Events, tailor.Access, IngestionLimits.Default, time, PrivacyCommand.SourcePolicies(tailor, result.GetValue(store.Data)!, time));

            EventImporter.Report report = null!;
            long applied = 0;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var reading = progress.AddTask($"Importing {Markup.Escape(input.Name)}", maxValue: Math.Max(1, stream.Length));
                    report = await importer.ImportAsync(records, fileKey, input.FullName, source, rejects,
                        r => reading.Value = stream.Position, ct);
                    reading.Value = reading.MaxValue;

                    var position = await tailor.Positions.FoldedUpToAsync(ct);
                    var last = await tailor.Events.LastSequenceAsync(ct);
                    var profiling = progress.AddTask("Updating profiles", maxValue: Math.Max(1, last - position));
                    applied = await OfflineFold.CatchUpAsync(tailor.Events, tailor.Positions, tailor.Profiles, tailor.Merges, tailor.Triggers,
                        new ProfileReducer(EngagementWeights.Default) { Limits = ProfileLimitsEnvironment.Read() }, time,
                        new Tailor.Application.Privacy.SuppressionFilter(tailor.Privacy, PrivacyCommand.SubjectHasher(result.GetValue(store.Data)!)),
                        folded => profiling.Value = folded, ct);
                    profiling.Value = profiling.MaxValue;
                });

            var table = new Table().AddColumns("accepted", "duplicates", "rejected", "dropped by the source's privacy policy", "resumed after record", "events applied to profiles");
            table.AddRow($"{report.Accepted:N0}", $"{report.Duplicates:N0}", $"{report.Rejected:N0}", $"{report.DroppedByPolicy:N0}", $"{report.Skipped:N0}", $"{applied:N0}");
            AnsiConsole.Write(table);
            if (report.FirstRejections.Count > 0)
            {
                var rejected = new Table().Title("Rejected records (first 20)").AddColumns("record", "field", "rule");
                foreach (var r in report.FirstRejections) rejected.AddRow($"{r.Record}", Markup.Escape(r.Field), Markup.Escape(r.Rule));
                AnsiConsole.Write(rejected);
                AnsiConsole.MarkupLine($"All rejected records: {Markup.Escape(rejectFile)}");
            }
            return report.Rejected > 0 ? 1 : 0;
        });
        return command;
    }
}
