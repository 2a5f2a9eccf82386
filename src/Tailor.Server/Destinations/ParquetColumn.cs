using Parquet;
using Parquet.Schema;

namespace Tailor.Server.Destinations;

/// <summary>One column of a Parquet file about to be written: its field and how its values are written to a row group.</summary>
internal sealed record ParquetColumn(DataField Field, Func<ParquetRowGroupWriter, CancellationToken, Task> Write)
{
    public static ParquetColumn Long(string name, ReadOnlyMemory<long> values)
    {
        var field = new DataField<long>(name);
        return new(field, (rg, ct) => rg.WriteAsync<long>(field, values, null, null, ct));
    }

    public static ParquetColumn Double(string name, ReadOnlyMemory<double> values)
    {
        var field = new DataField<double>(name);
        return new(field, (rg, ct) => rg.WriteAsync<double>(field, values, null, null, ct));
    }

    public static ParquetColumn NullableDouble(string name, ReadOnlyMemory<double?> values)
    {
        var field = new DataField<double?>(name);
        return new(field, (rg, ct) => rg.WriteAsync<double>(field, values, null, null, ct));
    }

    public static ParquetColumn Text(string name, IReadOnlyCollection<string?> values)
    {
        var field = new DataField<string>(name, true);
        return new(field, (rg, _) => rg.WriteAsync(field, values!, null));
    }

    /// <summary>A text column from characters held elsewhere (no string per value): the same UTF-8 column as <see cref="Text"/>.</summary>
    public static ParquetColumn Chars(string name, ReadOnlyMemory<ReadOnlyMemory<char>?> values)
    {
        var field = new DataField<string>(name, true);
        return new(field, (rg, ct) => rg.WriteAsync<ReadOnlyMemory<char>>(field, values, null, null, ct));
    }

    /// <summary>A UTC timestamp in milliseconds (DuckDB reads it as <c>TIMESTAMP WITH TIME ZONE</c>).</summary>
    public static ParquetColumn Time(string name, ReadOnlyMemory<DateTime?> values)
    {
        var field = new DateTimeDataField(name, DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Millis, true);
        return new(field, (rg, ct) => rg.WriteAsync<DateTime>(field, values, null, null, ct));
    }
}
