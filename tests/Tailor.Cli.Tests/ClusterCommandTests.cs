using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor analytics cluster</c> as a child process: a user's CSV computed locally, and the stored job on an empty store.</summary>
public sealed class ClusterCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Three groups of ten far apart: any sound clustering at k = 3 finds them.
    private string WriteCsv()
    {
        var csv = new StringBuilder("id,spend,visits\n");
        double[] spend = [100, 1000, 5000];
        int[] visits = [2, 20, 3];
        for (int g = 0; g < 3; g++)
        {
            for (int i = 0; i < 10; i++)
                csv.Append(CultureInfo.InvariantCulture, $"c{g}-{i},{spend[g] * (1 + 0.01 * i)},{visits[g] + i % 2}\n");
        }
        var path = _dir.File("customers.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    [Fact]
    public async Task A_csv_is_clustered_locally_with_json_output_and_charts_saved()
    {
        var csv = WriteCsv();

        var json = await Tailor.RunAsync(_dir.Path, "analytics", "cluster", "--csv", csv, "--max-k", "5", "--json", "--charts", _dir.File("charts"));
        var table = await Tailor.RunAsync(_dir.Path, "analytics", "cluster", "--csv", csv, "--k", "3", "--transform", "log1p");

        Assert.True(json.ExitCode == 0, json.Output);
        var result = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(3, result.GetProperty("k").GetInt32());
        Assert.Equal([10, 10, 10], result.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("size").GetInt32()));
        Assert.Equal(4, result.GetProperty("evaluations").GetArrayLength());
        foreach (var chart in new[] { "elbow.svg", "silhouette.svg", "profiles.svg", "pca.svg" })
            Assert.Equal("svg", System.Xml.Linq.XDocument.Load(Path.Combine(_dir.File("charts"), chart)).Root!.Name.LocalName);
        Assert.True(table.ExitCode == 0, table.Output);
        Assert.Contains("k = 3 was asked for", table.Output, StringComparison.Ordinal);
        Assert.Contains("Big Spenders", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_file_or_parameter_is_refused_naming_it()
    {
        var bad = _dir.File("bad.csv");
        File.WriteAllText(bad, "id,spend\nc1,12\nc2,lots\n");

        var unreadable = await Tailor.RunAsync(_dir.Path, "analytics", "cluster", "--csv", bad, "--k", "2");
        var publish = await Tailor.RunAsync(_dir.Path, "analytics", "cluster", "--csv", WriteCsv(), "--publish");
        var store = await Tailor.RunAsync(_dir.Path, "analytics", "cluster", "--traits", "spend", "--k", "99", "--data", _dir.File("data"));

        Assert.Equal(2, unreadable.ExitCode);
        Assert.Contains("line 3, column 'spend'", unreadable.Output, StringComparison.Ordinal);
        Assert.Equal(2, publish.ExitCode);
        Assert.Equal(2, store.ExitCode);
        Assert.Contains("parameters.k: must be between 2 and 50", store.Output, StringComparison.Ordinal);
    }
}
