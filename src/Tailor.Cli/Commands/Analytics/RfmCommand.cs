using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tailor.Analytics.Lifetime;
using Tailor.Analytics.Rfm;
using Tailor.Application.Analytics.Rfm;

namespace Tailor.Cli.Commands.Analytics;

/// <summary>
/// <c>tailor analytics rfm</c>: the <c>rfm</c> run on the store (scores written back as traits), or with
/// <c>--transactions FILE</c> the same numerics on a user's <c>customer_id,date,amount</c> file (each row one order at
/// 00:00 UTC of its date), nothing stored.
/// </summary>
internal static class RfmCommand
{
    public static Command Create(StoreOptions store)
    {
        var run = new RunOptions();
        var orderEvent = new Option<string>("--order-event") { Description = "The track event that is an order", DefaultValueFactory = _ => OrderEvents.DefaultEvent };
        var revenue = new Option<string>("--revenue-property") { Description = "The order's revenue property (revenue: revenue, else total)", DefaultValueFactory = _ => OrderEvents.DefaultRevenueProperty };
        var noWrite = new Option<bool>("--no-write") { Description = "Compute and report only; write no traits" };
        var transactions = new Option<FileInfo?>("--transactions") { Description = "Score a customer_id,date,amount CSV instead of the store (nothing is stored)" };
        var output = new Option<FileInfo?>("--output") { Description = "With --transactions: write every customer's scores to this CSV" };
        var command = new Command("rfm", "Recency, frequency and monetary scores (1-5) and named groups per customer") { orderEvent, revenue, noWrite, transactions, output };
        run.AddTo(command);
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(transactions) is { } file)
            {
                return await FromFileAsync(file, result.GetValue(run.AsOf) ?? DateTimeOffset.UtcNow, result.GetValue(run.Json), result.GetValue(output), ct);
            }
            var parameters = new JsonObject
            {
                ["orderEvent"] = result.GetValue(orderEvent),
                ["revenueProperty"] = result.GetValue(revenue),
                ["writeTraits"] = !result.GetValue(noWrite),
            };
            return await AnalyticsCli.RunAsync(store, run, result, RfmJob.KindName, parameters, ct, Render);
        });
        return command;
    }

    private static async Task<int> FromFileAsync(FileInfo file, DateTimeOffset asOf, bool json, FileInfo? output, CancellationToken ct)
    {
        IReadOnlyList<Transaction> rows;
        try
        {
            using var reader = file.OpenText();
            rows = TransactionCsv.Read(reader);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            return CliErrors.Error("--transactions", ex.Message);
        }
        var orders = rows.Select((t, i) => new RfmOrder(t.CustomerId, new DateTimeOffset(t.Date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), t.Amount, $"{i}"));
        var table = RfmAnalysis.Compute(orders, asOf);
        var summary = new RfmRunResult(table.Customers.Count, rows.Count, "(file)", "amount", table.Boundaries,
            Enum.GetValues<RfmGroup>().ToDictionary(RfmGroups.NameOf, g => table.Customers.Count(c => c.Group == g)),
            table.Customers.Count == 0 ? null : new RfmMeans(table.Customers.Average(c => c.RecencyDays), table.Customers.Average(c => c.Frequency), table.Customers.Average(c => c.Monetary)));
        if (output is not null)
        {
            await File.WriteAllLinesAsync(output.FullName, ["customer_id,recency_days,frequency,monetary,r,f,m,score,group",
                .. table.Customers.Select(c => string.Join(',', c.CustomerId, c.RecencyDays, c.Frequency, c.Monetary.ToString("R", CultureInfo.InvariantCulture),
                    c.R, c.F, c.M, c.Score, RfmGroups.NameOf(c.Group)))], ct);
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { asOf, result = summary, customers = table.Customers.Select(c => RfmTraits.Of(c).Traits.Prepend(new("customer_id", c.CustomerId)).ToDictionary()) }, AnalyticsCli.Json));
            return 0;
        }
        AnsiConsole.MarkupLine($"RFM of {table.Customers.Count:N0} customers from {rows.Count:N0} orders, as of {asOf:u}");
        Render(JsonSerializer.SerializeToElement(summary, RfmRunResult.Json));
        if (output is not null) AnsiConsole.MarkupLine($"saved {Markup.Escape(output.FullName)}");
        return 0;
    }

    /// <summary>Group sizes and the quintile boundaries as tables.</summary>
    public static void Render(JsonElement result)
    {
        var groups = new Table().AddColumns("group", "customers");
        foreach (var g in result.GetProperty("groups").EnumerateObject()) groups.AddRow(Markup.Escape(g.Name), $"{g.Value.GetInt32():N0}");
        AnsiConsole.Write(groups);
        var bounds = result.GetProperty("boundaries");
        var table = new Table().AddColumns("measure", "upper bound of score 1 / 2 / 3 / 4 (recency: of R 5 / 4 / 3 / 2)");
        foreach (var name in (string[])["recencyDays", "frequency", "monetary"])
            table.AddRow(name, string.Join(" / ", bounds.GetProperty(name).EnumerateArray().Select(v => v.GetDouble().ToString("0.##", CultureInfo.InvariantCulture))));
        AnsiConsole.Write(table);
    }
}
