using Tailor.Application.Import;

namespace Tailor.Cli.Import;

/// <summary>Reads NDJSON: one Segment message per line; blank lines are skipped but still counted.</summary>
internal static class NdjsonRecords
{
    public static async IAsyncEnumerable<ImportRecord> ReadAsync(TextReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long number = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return ImportRecord.Ok(number, line);
        }
    }
}
