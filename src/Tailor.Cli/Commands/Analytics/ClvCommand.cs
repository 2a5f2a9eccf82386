using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tailor.Analytics.Lifetime;
using Tailor.Application.Analytics.Lifetime;
using Tailor.Application.Analytics.Rfm;

namespace Tailor.Cli.Commands.Analytics;

/// <summary>
/// <c>tailor analytics clv</c>: the <c>clv</c> run on the store (P(alive), expected purchases and CLV written back as
/// traits), or with <c>--transactions FILE --calibration-end DATE</c> the same models fitted to a user's
/// <c>customer_id,date,amount</c> file, nothing stored.
/// </summary>
internal static class ClvCommand
{
    public static Command Create(StoreOptions store)
    {
        var run = new RunOptions();
        var orderEvent = new Option<string>("--order-event") { Description = "The track event that is an order", DefaultValueFactory = _ => OrderEvents.DefaultEvent };
        var revenue = new Option<string>("--revenue-property") { Description = "The order's revenue property (revenue: revenue, else total)", DefaultValueFactory = _ => OrderEvents.DefaultRevenueProperty };
        var model = new Option<string>("--model") { Description = "Purchase model: bgnbd or paretonbd", DefaultValueFactory = _ => "bgnbd" };
        var period = new Option<double>("--period-days") { Description = "Days per model period (7 = weeks)", DefaultValueFactory = _ => 7 };
        var horizon = new Option<int>("--horizon-days") { Description = "CLV horizon in days", DefaultValueFactory = _ => 365 };
        var discount = new Option<double>("--discount-rate") { Description = "Monthly discount rate", DefaultValueFactory = _ => 0.01 };
        var purchases = new Option<int>("--purchases-days") { Description = "Window of the expected purchases, in days", DefaultValueFactory = _ => 90 };
        var noWrite = new Option<bool>("--no-write") { Description = "Compute and report only; write no traits" };
        var transactions = new Option<FileInfo?>("--transactions") { Description = "Fit a customer_id,date,amount CSV instead of the store (nothing is stored)" };
        var calibrationEnd = new Option<DateOnly?>("--calibration-end") { Description = "With --transactions: the last day of the calibration period (yyyy-MM-dd)" };
        var output = new Option<FileInfo?>("--output") { Description = "With --transactions: write every customer's predictions to this CSV" };
        var command = new Command("clv", "Customer lifetime value: BG/NBD or Pareto/NBD with Gamma-Gamma spend; P(alive), expected purchases, CLV")
        {
            orderEvent, revenue, model, period, horizon, discount, purchases, noWrite, transactions, calibrationEnd, output,
        };
        run.AddTo(command);
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var parameters = new ClvJob.Parameters(result.GetValue(orderEvent)!, result.GetValue(revenue)!, result.GetValue(model)!, result.GetValue(period),
                result.GetValue(horizon), result.GetValue(discount), result.GetValue(purchases), !result.GetValue(noWrite));
            if (result.GetValue(transactions) is { } file)
            {
                if (result.GetValue(calibrationEnd) is not { } end) return CliErrors.Error("--calibration-end", "is required with --transactions");
                return await FromFileAsync(file, end, parameters, result.GetValue(run.Json), result.GetValue(output), ct);
            }
            var given = JsonSerializer.SerializeToNode(parameters, ClvRunResult.Json)!.AsObject();
            return await AnalyticsCli.RunAsync(store, run, result, ClvJob.KindName, given, ct, Render);
        });
        return command;
    }

    private static async Task<int> FromFileAsync(FileInfo file, DateOnly end, ClvJob.Parameters parameters, bool json, FileInfo? output, CancellationToken ct)
    {
        if (!LifetimeOptions.Models.Contains(parameters.Model)) return CliErrors.Error("--model", "must be bgnbd or paretonbd");
        if (parameters.PeriodDays is < 1 or > 31) return CliErrors.Error("--period-days", "must be between 1 and 31");
        if (parameters.HorizonDays is < 1 or > 3650) return CliErrors.Error("--horizon-days", "must be between 1 and 3650");
        if (parameters.DiscountRate is < 0 or > 1) return CliErrors.Error("--discount-rate", "must be between 0 and 1");
        if (parameters.PurchasesDays is < 1 or > 3650) return CliErrors.Error("--purchases-days", "must be between 1 and 3650");
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
        var summaries = CalibrationSummaries.Of(rows, end, parameters.PeriodDays);
        var options = new LifetimeOptions(parameters.Model, parameters.PeriodDays, parameters.HorizonDays, parameters.DiscountRate, parameters.PurchasesDays);
        LifetimeAnalysisResult analysis;
        try
        {
            analysis = json
                ? LifetimeAnalysis.Run(summaries, options, null, ct)
                : await AnsiConsole.Status().StartAsync($"fitting {parameters.Model} and gamma-gamma on {summaries.Count:N0} customers",
                    _ => Task.Run(() => LifetimeAnalysis.Run(summaries, options, null, ct), ct));
        }
        catch (ArgumentException ex)
        {
            return CliErrors.Error("data", ex.Message);
        }
        var customers = rows.Select(r => r.CustomerId).Distinct(StringComparer.Ordinal).Count();
        var skipped = customers - summaries.Count;
        var summary = ClvRunResult.Of(analysis, parameters, rows.Count, skipped);
        if (output is not null)
        {
            await File.WriteAllLinesAsync(output.FullName, ["customer_id,x,t_x,T,m,p_alive,expected_purchases,expected_spend,clv",
                .. analysis.Customers.Select(c => string.Join(',', c.Summary.CustomerId, c.Summary.Frequency.ToString(CultureInfo.InvariantCulture),
                    F(c.Summary.Recency), F(c.Summary.Age), F(c.Summary.MonetaryValue), F(c.ProbabilityAlive), F(c.ExpectedPurchases), F(c.ExpectedSpend), F(c.LifetimeValue)))], ct);
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { calibrationEnd = end, result = summary }, AnalyticsCli.Json));
            return 0;
        }
        Render(JsonSerializer.SerializeToElement(summary, ClvRunResult.Json));
        if (output is not null) AnsiConsole.MarkupLine($"saved {Markup.Escape(output.FullName)}");
        return 0;
    }

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The fitted models and totals as a table.</summary>
    public static void Render(JsonElement r)
    {
        static string Params(JsonElement p) => string.Join(", ", p.EnumerateObject().Select(x => $"{x.Name} = {x.Value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture)}"));
        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("purchase model", $"{r.GetProperty("model").GetString()}: {Params(r.GetProperty("parameters"))}");
        table.AddRow("log-likelihood", r.GetProperty("logLikelihood").GetDouble().ToString("0.####", CultureInfo.InvariantCulture));
        table.AddRow("spend model", $"gamma-gamma: {Params(r.GetProperty("spendParameters"))} (on {r.GetProperty("spendCustomers").GetInt32():N0} repeat customers, LL {r.GetProperty("spendLogLikelihood").GetDouble().ToString("0.####", CultureInfo.InvariantCulture)})");
        table.AddRow("customers", $"{r.GetProperty("customers").GetInt32():N0} ({r.GetProperty("repeatCustomers").GetInt32():N0} with a repeat purchase; {r.GetProperty("skippedCustomers").GetInt32():N0} left out: first purchase on the last day)");
        table.AddRow("mean P(alive)", r.GetProperty("meanProbabilityAlive").GetDouble().ToString("0.####", CultureInfo.InvariantCulture));
        table.AddRow($"expected purchases, next {r.GetProperty("purchasesDays").GetInt32()} days", r.GetProperty("totalExpectedPurchases").GetDouble().ToString("N1", CultureInfo.InvariantCulture));
        table.AddRow($"CLV, {r.GetProperty("horizonDays").GetInt32()} days at {r.GetProperty("discountRate").GetDouble():P1}/month", r.GetProperty("totalLifetimeValue").GetDouble().ToString("N2", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
    }
}
