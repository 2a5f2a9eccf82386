using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Destinations;

/// <summary>Creating destinations through the API, waiting for them on real conditions, and reading exports back with DuckDB.</summary>
internal static class DestinationTestSupport
{
    public static async Task<string> CreateAsync(HttpClient admin, object body)
    {
        using var response = await admin.PostObjectAsync("/api/destinations", body);
        await response.ShouldBeAsync(HttpStatusCode.Created);
        return (string)(await response.JsonAsync())["id"]!;
    }

    /// <summary>Polls the status (real time: the follower runs on its own thread) until <paramref name="done"/> holds.</summary>
    public static async Task<JsonObject> WaitForStatusAsync(HttpClient admin, string id, Func<JsonObject, bool> done, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await admin.GetObjectAsync($"/api/destinations/{id}/status");
            if (done(status)) return status;
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30))) Assert.Fail($"The destination did not reach the expected state: {status.ToJsonString()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Rows of a DuckDB query (each row's values as strings, in column order).</summary>
    public static List<string[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The glob of a table's exported files under <paramref name="directory"/>, quoted for SQL.</summary>
    public static string Files(string directory, string table) => $"'{Path.Combine(directory, table)}/*/*.parquet'";
}
