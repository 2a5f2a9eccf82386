using System.Text.Json;
using Tailor.Application.Import;
using Tailor.Cli.Import;

namespace Tailor.Cli.Tests;

public sealed class CsvRecordsTests
{
    private static async Task<List<ImportRecord>> ReadAsync(string csv)
    {
        var list = new List<ImportRecord>();
        await foreach (var record in CsvRecords.ReadAsync(new StringReader(csv), TestContext.Current.CancellationToken)) list.Add(record);
        return list;
    }

    [Fact]
    public async Task Dotted_headers_build_nested_objects_with_natural_types()
    {
        var records = await ReadAsync("type,event,userId,properties.revenue,properties.gift,properties.zip,context.page.url\ntrack,Order Completed,42,19.90,true,02134,https://shop.example/cart\n");

        var record = Assert.Single(records);
        Assert.Equal(1, record.Number);
        using var json = JsonDocument.Parse(record.Json!);
        var root = json.RootElement;
        Assert.Equal("42", root.GetProperty("userId").GetString());
        Assert.Equal(19.90m, root.GetProperty("properties").GetProperty("revenue").GetDecimal());
        Assert.True(root.GetProperty("properties").GetProperty("gift").GetBoolean());
        Assert.Equal("02134", root.GetProperty("properties").GetProperty("zip").GetString());
        Assert.Equal("https://shop.example/cart", root.GetProperty("context").GetProperty("page").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Without_a_type_column_rows_are_track_calls_and_empty_cells_are_left_out()
    {
        var records = await ReadAsync("event,userId,anonymousId\nSignup,u1,\n");

        using var json = JsonDocument.Parse(Assert.Single(records).Json!);
        Assert.Equal("track", json.RootElement.GetProperty("type").GetString());
        Assert.False(json.RootElement.TryGetProperty("anonymousId", out _));
    }

    [Fact]
    public async Task A_row_with_the_wrong_number_of_cells_is_rejected_with_its_number()
    {
        var records = await ReadAsync("event,userId\nA,u1\nB,u2,extra\nC,u3\n");

        Assert.Equal(3, records.Count);
        Assert.Null(records[1].Json);
        Assert.Equal(2, records[1].Number);
        Assert.Equal("row", records[1].Field);
        Assert.Contains("2 cells", records[1].Rule, StringComparison.Ordinal);
        Assert.NotNull(records[2].Json);
    }
}
