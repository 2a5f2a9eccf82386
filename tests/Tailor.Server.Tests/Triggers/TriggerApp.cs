using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Triggers;

/// <summary>
/// A <see cref="FakeClockApp"/> with what trigger tests need: tests move time, the trigger timers fire on it, email goes
/// to the real SMTP sink when asked, and the app can run on a fresh PostgreSQL database.
/// </summary>
public sealed class TriggerApp : IAsyncDisposable
{
    private readonly FakeClockApp _host;
    private string? _postgresAdmin;
    private string? _database;

    private TriggerApp(FakeClockApp host) => _host = host;

    public FakeTimeProvider Time => _host.Time;

    /// <summary>The options it runs with (its data directory, its PostgreSQL connection string).</summary>
    public TailorServerOptions Options => _host.Options;

    /// <summary>The app's services, for tests that play another node (e.g. one that died mid-send).</summary>
    public IServiceProvider Services => _host.Services;
    public HttpClient Ingest => _host.Ingest;
    public HttpClient Admin => _host.Admin;
    public DateTimeOffset Now => Time.GetUtcNow();

    /// <param name="postgres">Run on a fresh database of the PostgreSQL server named by <c>TAILOR_TEST_POSTGRES</c> instead of SQLite.</param>
    /// <param name="probe">A fault-injection probe the stages call before each item.</param>
    /// <param name="webhookAllow">The webhook allow-list; by default loopback (127.0.0.0/8), where the tests' <see cref="WebhookReceiver"/> listens.</param>
    /// <param name="loopbackAllowed">False for an app with no allow-list at all, as a default install runs.</param>
    /// <param name="emailFrom">The configured From (<c>TAILOR_EMAIL_FROM</c>); null keeps the default.</param>
    /// <param name="configure">Further settings (e.g. DKIM signing) applied last.</param>
    /// <param name="services">Further services (e.g. which followers this node holds).</param>
    public static async Task<TriggerApp> StartAsync(bool smtp = false, string? caps = null, bool postgres = false, Core.Pipeline.IStageProbe? probe = null,
        string[]? webhookAllow = null, bool loopbackAllowed = true, string? emailFrom = null, Action<TailorServerOptions>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var data = TempDirectory.Create("triggers");
        string? admin = null, database = null, connection = null;
        if (postgres)
        {
            admin = Environment.GetEnvironmentVariable("TAILOR_TEST_POSTGRES");
            if (string.IsNullOrWhiteSpace(admin))
            {
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                    Assert.Fail("TAILOR_TEST_POSTGRES is not set: on CI the PostgreSQL trigger tests must run.");
                Assert.Skip("PostgreSQL trigger tests skipped: set TAILOR_TEST_POSTGRES (scripts/test.sh does).");
            }
            database = $"tailor_trg_{Guid.NewGuid():N}";
            await AdminAsync(admin!, $"CREATE DATABASE \"{database}\"");
            connection = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        }
        var options = new TailorServerOptions
        {
            DataDirectory = data, WriteKey = "wk_triggers", AdminKey = "tk_admin_triggers",
            Smtp = smtp ? SmtpSink.Address : null, Caps = caps, Postgres = connection,
        };
        if (emailFrom is not null) options.EmailFrom = emailFrom;
        options.Security.WebhookAllow = [.. webhookAllow ?? (loopbackAllowed ? ["127.0.0.0/8"] : [])];
        configure?.Invoke(options);
        return new TriggerApp(await FakeClockApp.StartAsync(options, time, more =>
        {
            if (probe is not null) more.AddSingleton(probe);
            services?.Invoke(more);
        })) { _postgresAdmin = admin, _database = database };
    }

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Creates a trigger and returns its id.</summary>
    public async Task<string> CreateTriggerAsync(string definition)
    {
        using var response = await Admin.PostRawAsync("/api/triggers", definition);
        await response.ShouldBeAsync(HttpStatusCode.Created);
        return (string)(await response.JsonAsync())["id"]!;
    }

    /// <summary>Sends an event (ingestion answers 2xx once durable).</summary>
    public Task TrackAsync(string userId, string name, DateTimeOffset at, object? properties = null) =>
        Ingest.SendAsync("/v1/track", new { userId, @event = name, timestamp = Http.Iso(at), properties = properties ?? new { } });

    /// <summary>An identified profile with an email address and consent to the given purposes.</summary>
    public Task IdentifyAsync(string userId, string? email, params string[] consent) =>
        Ingest.SendAsync("/v1/identify", new
        {
            userId, timestamp = Http.Iso(Now),
            traits = new Dictionary<string, object?> { ["email"] = email, ["first_name"] = "Ann", ["consent"] = consent.ToDictionary(c => c, _ => (object)true) },
        });

    /// <summary>Moves the fake clock, after the pipeline has taken in everything sent so far.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await PipelineProgress.WaitUntilCaughtUpAsync(Admin);
        Time.Advance(by);
    }

    public Task<JsonObject> RunsAsync(string triggerId, string? profileId = null) =>
        Admin.GetObjectAsync($"/api/triggers/{triggerId}/runs{(profileId is null ? "" : "?profileId=" + Uri.EscapeDataString(profileId))}");

    /// <summary>Polls (real time: the workers run on their own threads) until the trigger's runs satisfy <paramref name="done"/>.</summary>
    public async Task<JsonArray> WaitForRunsAsync(string triggerId, Func<JsonArray, bool> done, string? profileId = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var runs = (await RunsAsync(triggerId, profileId))["runs"]!.AsArray();
            if (done(runs)) return runs;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"The runs did not reach the expected state within 30 s: {runs.ToJsonString()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The profile of a userId, once the pipeline has taken in everything sent so far.</summary>
    public async Task<string> ProfileIdAsync(string userId)
    {
        await PipelineProgress.WaitUntilCaughtUpAsync(Admin);
        return (await Admin.LookupAsync("userId", userId)).Id();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        if (_database is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            // An autovacuum worker on the new database (another role) refuses FORCE with 42501 until it ends: retry a few times.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await AdminAsync(_postgresAdmin!, $"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
                    break;
                }
                catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250));
                }
            }
        }
    }
}

/// <summary>Reading runs as the API returns them.</summary>
public static class Runs
{
    public static string Status(this JsonNode? run) => (string)run!["status"]!;

    public static string? Outcome(this JsonNode? run) => (string?)run!["outcome"];

    public static IEnumerable<string> Kinds(this JsonNode? run) => run!["log"]!.AsArray().Select(l => (string)l!["kind"]!);

    public static JsonNode? LogOf(this JsonNode? run, string kind) => run!["log"]!.AsArray().FirstOrDefault(l => (string)l!["kind"]! == kind);
}
