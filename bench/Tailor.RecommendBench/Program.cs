using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Tailor.Analytics.Associations;
using Tailor.Analytics.Recommendations;
using Tailor.Core.Storage;
using Tailor.Storage;

// The file is passed as an argument or TAILOR_BENCH_ONLINE_RETAIL (a .csv or .csv.gz); nothing is read from a fixed path.
// dotnet bench/Tailor.RecommendBench/bin/Release/net10.0/tailor-recommendbench.dll evaluate [FILE] [models]
// dotnet bench/Tailor.RecommendBench/bin/Release/net10.0/tailor-recommendbench.dll rules [FILE] [minSupport]
// dotnet bench/Tailor.RecommendBench/bin/Release/net10.0/tailor-recommendbench.dll serve [FILE] [requests]   (TAILOR_BENCH_POSTGRES: also on PostgreSQL)
if (args.Length < 1) { Console.Error.WriteLine("usage: evaluate [FILE] [item-knn,ease,als] | rules [FILE] [minSupport] | serve [FILE] [requests]"); return 2; }
var file = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("TAILOR_BENCH_ONLINE_RETAIL");
if (string.IsNullOrEmpty(file)) { Console.Error.WriteLine("pass the file or set TAILOR_BENCH_ONLINE_RETAIL"); return 2; }
var invariant = CultureInfo.InvariantCulture;
return args[0] switch
{
    "evaluate" => Evaluate(file, args.Length > 2 ? args[2].Split(',') : ["item-knn", "ease", "als"]),
    "rules" => Rules(file, args.Length > 2 ? double.Parse(args[2], invariant) : 0.01),
    "serve" => await Serve(file, args.Length > 2 ? int.Parse(args[2], invariant) : 20_000),
    _ => 2,
};

static TextReader Open(string path)
{
    Stream stream = File.OpenRead(path);
    if (path.EndsWith(".gz", StringComparison.Ordinal)) stream = new GZipStream(stream, CompressionMode.Decompress);
    return new StreamReader(stream);
}

static int Evaluate(string file, string[] models)
{
    var clock = Stopwatch.StartNew();
    List<Interaction> rows;
    using (var reader = Open(file)) rows = InteractionFile.Read(reader);
    Console.WriteLine($"read {rows.Count} interactions in {clock.Elapsed.TotalSeconds:0.00} s");
    clock.Restart();
    var report = OfflineEvaluation.Run(rows, models, new RecommenderSettings(), report: (stage, f) => Console.Error.WriteLine($"{clock.Elapsed.TotalSeconds,7:0.00} s  {f,4:P0}  {stage}"));
    Console.WriteLine($"evaluated in {clock.Elapsed.TotalSeconds:0.00} s");
    Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

static int Rules(string file, double minSupport)
{
    var clock = Stopwatch.StartNew();
    List<string[]> baskets;
    using (var reader = Open(file)) baskets = BasketFile.Read(reader);
    Console.WriteLine($"read {baskets.Count} baskets in {clock.Elapsed.TotalSeconds:0.00} s");
    clock.Restart();
    var rules = AssociationRules.Mine(baskets, new RuleOptions(MinSupport: minSupport));
    Console.WriteLine($"{rules.Count} rules in {clock.Elapsed.TotalSeconds:0.00} s; strongest:");
    foreach (var r in rules.Take(5)) Console.WriteLine($"  {string.Join("+", r.Antecedent)} => {string.Join("+", r.Consequent)}  support {r.Support:0.0000} confidence {r.Confidence:0.000} lift {r.Lift:0.00}");
    return 0;
}

// Precomputes recommendations for every customer of the file (item-kNN, 50 per profile, 20 related per item), stores
// them, then times single-profile reads as a template render makes them (sequential, one at a time).
static async Task<int> Serve(string file, int requests)
{
    List<Interaction> rows;
    using (var reader = Open(file)) rows = InteractionFile.Read(reader);
    var matrix = InteractionMatrix.From(rows);
    var knn = ItemKnnRecommender.Train(matrix);
    var popularity = new PopularityRecommender(matrix);
    var scratch = new double[matrix.ItemCount];
    var profiles = new List<ProfileRecommendation>();
    for (var u = 0; u < matrix.UserCount; u++)
        foreach (var s in Recommend.ForUser(u, 50, matrix, [knn, popularity], scratch))
            profiles.Add(new ProfileRecommendation(matrix.Users[u], matrix.Items[s.Item], s.Score));
    var neighbours = new List<ItemNeighbour>();
    for (var i = 0; i < matrix.ItemCount; i++)
    {
        var near = knn.Neighbours.Of(i);
        for (var n = 0; n < Math.Min(20, near.Length); n++) neighbours.Add(new ItemNeighbour(matrix.Items[i], matrix.Items[near[n]], knn.Neighbours.ScoresOf(i)[n]));
    }
    var items = matrix.Items.Select(i => new CatalogueItem(i, $"Item {i}", 2.5m, $"https://shop.test/{i}", null, null, 1, 1)).ToList();
    var snapshot = new RecommendationSnapshot("run_bench", RecommendationKinds.Recommend, "item-knn", DateTimeOffset.UnixEpoch, items, neighbours, profiles);
    Console.WriteLine($"{matrix.UserCount} profiles × ≤ 50 = {profiles.Count} rows, {neighbours.Count} neighbour rows");

    var directory = Directory.CreateTempSubdirectory("tailor-recommendbench");
    try
    {
        await using (var sqlite = TailorDatabase.Sqlite(Path.Combine(directory.FullName, "tailor.db"), TimeProvider.System))
            await Measure("sqlite", sqlite, snapshot, matrix.Users, requests);
        if (Environment.GetEnvironmentVariable("TAILOR_BENCH_POSTGRES") is { Length: > 0 } postgres)
        {
            // A database of its own, dropped afterwards: the server named may be shared.
            var name = $"tailor_recommendbench_{Environment.ProcessId}";
            await Admin(postgres, $"CREATE DATABASE \"{name}\"");
            try
            {
                await using var pg = TailorDatabase.Postgres(new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString, TimeProvider.System);
                await Measure("postgres", pg, snapshot, matrix.Users, requests);
            }
            finally
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await Admin(postgres, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            }
        }
    }
    finally
    {
        directory.Delete(recursive: true);
    }
    return 0;
}

static async Task Measure(string name, TailorDatabase database, RecommendationSnapshot snapshot, IReadOnlyList<string> users, int requests)
{
    await database.MigrateAsync(CancellationToken.None);
    var clock = Stopwatch.StartNew();
    await database.Recommendations.PromoteAsync(snapshot, CancellationToken.None);
    Console.WriteLine($"{name}: stored in {clock.Elapsed.TotalSeconds:0.00} s");
    var random = new Random(1);
    for (var w = 0; w < 1000; w++) await database.Recommendations.ForProfileAsync(users[random.Next(users.Count)], 12, null, CancellationToken.None);
    var profile = new double[requests];
    var related = new double[requests];
    for (var r = 0; r < requests; r++)
    {
        var start = Stopwatch.GetTimestamp();
        var list = await database.Recommendations.ForProfileAsync(users[random.Next(users.Count)], 12, null, CancellationToken.None);
        profile[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (list.Count == 0) throw new InvalidOperationException("a profile without rows");
        start = Stopwatch.GetTimestamp();
        await database.Recommendations.RelatedAsync(snapshot.Neighbours[random.Next(snapshot.Neighbours.Count)].Item, 12, CancellationToken.None);
        related[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    static string Quantiles(double[] ms)
    {
        Array.Sort(ms);
        return $"p50 {ms[ms.Length / 2]:0.000} ms, p99 {ms[(int)(ms.Length * 0.99)]:0.000} ms, max {ms[^1]:0.000} ms";
    }
    Console.WriteLine($"{name}: profile top-12 over {requests} requests: {Quantiles(profile)}");
    Console.WriteLine($"{name}: related items over {requests} requests: {Quantiles(related)}");
}

static async Task Admin(string connectionString, string sql)
{
    await using var connection = new Npgsql.NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new Npgsql.NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}
