namespace Tailor.Application.Import;

/// <summary>One record of an import file: a message as JSON, or why the record could not become one.</summary>
/// <param name="Number">1-based record number in the file (data rows for CSV, lines for NDJSON).</param>
public readonly record struct ImportRecord(long Number, string? Json, string? Field, string? Rule)
{
    public static ImportRecord Ok(long number, string json) => new(number, json, null, null);

    public static ImportRecord Bad(long number, string field, string rule) => new(number, null, field, rule);
}
