using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tailor.Core.Privacy;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage.Privacy;
using Tailor.Storage.Sqlite;

namespace Tailor.Server.Tests.Privacy;

/// <summary>
/// PII at rest (issue 13): a person ingested through the real HTTP API leaves no clear-text email or phone in any
/// column of any table (read with a plain client, SQLite payloads decompressed first so compression is not what hides
/// them), is still found by email, and after a key rotation no ciphertext of the old key remains while every value reads back.
/// The outbox (a rendered email quoting the address) and the campaign ledger (an SMTP refusal quoting it) are covered too.
/// </summary>
public sealed class EncryptionAtRestTests
{
    [Fact]
    public Task Sqlite_holds_no_clear_email_or_phone_and_rotation_leaves_no_old_ciphertext() => RunAsync(postgres: null);

    [Fact]
    public async Task Postgres_holds_no_clear_email_or_phone_and_rotation_leaves_no_old_ciphertext()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("encryption");
        await RunAsync(database.ConnectionString);
    }

    private static async Task RunAsync(string? postgres)
    {
        var data = TempDirectory.Create("encryption");
        var keyFile = Path.Combine(TempDirectory.Create("keys"), "privacy-keys.json");
        PrivacyKeyFile.Write(keyFile, PrivacyKeyRing.Generate(), replace: false);
        var user = TailorAppFixture.NewId("enc");
        var email = $"{user}@example.com";
        const string phone = "+41 79 555 01 23";
        try
        {
            await using (var app = await TestApp.StartAsync(data, postgres, keyFile))
            {
                await app.Ingest.SendAsync("/v1/identify", new
                {
                    userId = user, traits = new { email, phone, firstName = "Ada", lastName = "Lovelace", plan = "pro" },
                    context = new { ip = "203.0.113.77" },
                });
                await app.Ingest.SendAsync("/v1/track", new { userId = user, @event = "Signed Up", properties = new { email, plan = "pro" } });
                await app.WaitForPipelineAsync();
                await AssertReadsBackAsync(app.Admin, user, email, phone);
                await WriteOutboxAndLedgerAsync(app.Services, (await app.Admin.LookupAsync("userId", user)).Id(), user, email);
                await AssertOutboxAndLedgerReadBackAsync(app.Services, user, email);
            }
            var before = await ScanAsync(data, postgres);
            Assert.DoesNotContain(before, v => v.Value.Contains(email, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(before, v => v.Value.Contains(phone, StringComparison.Ordinal));
            Assert.DoesNotContain(before, v => v.Value.Contains("Lovelace", StringComparison.Ordinal));
            Assert.DoesNotContain(before, v => v.Value.Contains("203.0.113.77", StringComparison.Ordinal));
            Assert.Contains(before, v => v.Value.Contains("enc:v1:", StringComparison.Ordinal)); // encrypted, not dropped
            Assert.Contains(before, v => v.Value.Contains("\"pro\"", StringComparison.Ordinal)); // a trait not on the list stays searchable
            if (postgres is null) AssertFilesHoldNo(data, email, phone);

            // Rotation: a new active key; the restarted node re-encrypts in the background while reads keep working.
            PrivacyKeyFile.Write(keyFile, PrivacyKeyFile.Read(keyFile).WithNewActiveKey(), replace: true);
            await using (var app = await TestApp.StartAsync(data, postgres, keyFile))
            {
                await AssertReadsBackAsync(app.Admin, user, email, phone);
                var deadline = DateTime.UtcNow + PipelineProgress.Timeout;
                JsonObject progress;
                while (!(bool)(progress = await app.Admin.GetObjectAsync("/api/privacy/encryption"))["done"]! && DateTime.UtcNow < deadline)
                    await Task.Delay(50, TestContext.Current.CancellationToken); // polling a real background pass, not waiting for time
                Assert.True((bool)progress["done"]!, progress.ToJsonString());
                Assert.Equal(2, (int)progress["activeVersion"]!);
                await AssertReadsBackAsync(app.Admin, user, email, phone);
                await AssertOutboxAndLedgerReadBackAsync(app.Services, user, email);
            }
            var after = await ScanAsync(data, postgres);
            Assert.DoesNotContain(after, v => v.Value.Contains("enc:v1:", StringComparison.Ordinal) && !v.Column.StartsWith("privacy_keys.", StringComparison.Ordinal));
            Assert.Contains(after, v => v.Value.Contains("enc:v2:", StringComparison.Ordinal));
            Assert.DoesNotContain(after, v => v.Value.Contains(email, StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            TempDirectory.Delete(data);
            TempDirectory.Delete(Path.GetDirectoryName(keyFile)!);
        }
    }

    private static async Task AssertReadsBackAsync(HttpClient admin, string user, string email, string phone)
    {
        var found = await admin.LookupAsync("email", email.ToUpperInvariant()); // through the keyed hash of the normalized email
        Assert.Equal((await admin.LookupAsync("userId", user)).Id(), found.Id());
        Assert.Equal(email, (string)found["traits"]!["email"]!);
        Assert.Equal(phone, (string)found["traits"]!["phone"]!);
        Assert.Equal("Lovelace", (string)found["traits"]!["lastName"]!);
        Assert.Contains(("email", email), found.Identities());
        var events = await admin.EventsAsync(found.Id());
        var eventsJson = events.ToJsonString();
        Assert.Contains($"\"email\":\"{email}\"", eventsJson, StringComparison.Ordinal); // event payloads read back clear
        Assert.DoesNotContain("enc:v", eventsJson, StringComparison.Ordinal);
        var history = await admin.GetArrayAsync($"/api/profiles/{found.Id()}/traits/history");
        Assert.Contains(history, h => (string?)h!["value"] == email);
    }

    /// <summary>
    /// What the trigger engine and the campaign sender write for this person, through the node's own stores: an outbox
    /// row holding a rendered email (set aside dead, so the running delivery worker leaves it alone) with an SMTP refusal
    /// quoting the address, and a campaign ledger row whose detail quotes it.
    /// </summary>
    private static async Task WriteOutboxAndLedgerAsync(IServiceProvider services, string profileId, string user, string email)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject { ["to"] = email, ["subject"] = "Welcome", ["html"] = $"<p>Hello {email}</p>" }.ToJsonString();
        await services.GetRequiredService<ITriggerStore>().CommitJourneysAsync(new JourneyCommit([], [], [new ActionDelivery(
            $"run_{user}:step-1", $"run_{user}", $"trg_{user}", profileId, "email", payload, DeliveryStatus.Dead, 3, 3, now, $"550 5.1.1 <{email}>: no such user", now)], [], null),
            TestContext.Current.CancellationToken);
        // The delivery worker's outcome: the same refusal in the outbox's last error and in the run's execution log.
        await services.GetRequiredService<ITriggerStore>().CompleteDeliveriesAsync([new DeliveryResult($"run_{user}:step-1", DeliveryStatus.Dead, now,
            $"550 5.1.1 <{email}>: no such user", new ExecutionLogEntry($"run_{user}", $"trg_{user}", profileId, now, "step-1", "dead", $"550 5.1.1 <{email}>: no such user"))],
            TestContext.Current.CancellationToken);
        var campaigns = services.GetRequiredService<ICampaignStore>();
        await campaigns.AddRecipientsAsync($"cmp_{user}", [profileId], TestContext.Current.CancellationToken);
        await campaigns.CompleteRecipientsAsync($"cmp_{user}", [new RecipientOutcome(profileId, RecipientStatus.Failed, $"550 5.1.1 <{email}>: no such user", now)],
            TestContext.Current.CancellationToken);
    }

    private static async Task AssertOutboxAndLedgerReadBackAsync(IServiceProvider services, string user, string email)
    {
        var delivery = Assert.Single(await services.GetRequiredService<ITriggerStore>().DeadLettersAsync($"trg_{user}", 10, TestContext.Current.CancellationToken));
        Assert.Equal(email, (string)JsonNode.Parse(delivery.Payload)!["to"]!);
        Assert.Contains(email, delivery.LastError, StringComparison.Ordinal);
        var log = Assert.Single(await services.GetRequiredService<ITriggerStore>().ExecutionLogAsync([$"run_{user}"], TestContext.Current.CancellationToken));
        Assert.Contains(email, log.Detail, StringComparison.Ordinal);
        var recipient = Assert.Single(await services.GetRequiredService<ICampaignStore>().RecipientsAsync($"cmp_{user}", null, null, 10, TestContext.Current.CancellationToken));
        Assert.Contains(email, recipient.Detail, StringComparison.Ordinal);
    }

    /// <summary>Every text, JSON and binary value of every table, as (table.column, text); SQLite payload blobs decompressed.</summary>
    private static async Task<List<(string Column, string Value)>> ScanAsync(string data, string? postgres)
    {
        var values = new List<(string, string)>();
        if (postgres is null)
        {
            await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Tailor.Storage.TailorStores.SqlitePath(data), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await c.OpenAsync(TestContext.Current.CancellationToken);
            SqliteDatabase.RegisterFunctions(c); // only the payload codec, to decompress what the scan reads
            foreach (var table in await ListAsync(c, "SELECT name FROM sqlite_master WHERE type = 'table'"))
            foreach (var column in await ListAsync(c, $"SELECT name FROM pragma_table_info('{table}')"))
            {
                await using var command = new SqliteCommand($"SELECT \"{column}\" FROM \"{table}\"", c);
                await using var r = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
                while (await r.ReadAsync(TestContext.Current.CancellationToken))
                {
                    if (r.IsDBNull(0)) continue;
                    var value = r.GetValue(0) switch
                    {
                        byte[] blob => Decompressed(c, blob),
                        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)!,
                    };
                    values.Add(($"{table}.{column}", value));
                }
            }
            return values;
        }
        await using (var c = new NpgsqlConnection(postgres))
        {
            await c.OpenAsync(TestContext.Current.CancellationToken);
            var columns = new List<(string Table, string Column)>();
            await using (var command = new NpgsqlCommand("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')", c))
            await using (var r = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
                while (await r.ReadAsync(TestContext.Current.CancellationToken)) columns.Add((r.GetString(0), r.GetString(1)));
            foreach (var (table, column) in columns)
            {
                await using var command = new NpgsqlCommand($"SELECT \"{column}\"::text FROM \"{table}\" WHERE \"{column}\" IS NOT NULL", c);
                await using var r = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
                while (await r.ReadAsync(TestContext.Current.CancellationToken)) values.Add(($"{table}.{column}", r.GetString(0)));
            }
        }
        return values;
    }

    private static string Decompressed(SqliteConnection c, byte[] blob)
    {
        try
        {
            using var command = new SqliteCommand("SELECT tailor_payload(@b)", c);
            command.Parameters.AddWithValue("@b", blob);
            return command.ExecuteScalar() as string ?? Encoding.UTF8.GetString(blob);
        }
        catch (SqliteException)
        {
            return Encoding.UTF8.GetString(blob); // not a payload: scanned as its bytes
        }
    }

    private static async Task<List<string>> ListAsync(SqliteConnection c, string sql)
    {
        var list = new List<string>();
        await using var command = new SqliteCommand(sql, c);
        await using var r = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await r.ReadAsync(TestContext.Current.CancellationToken)) list.Add(r.GetString(0));
        return list;
    }

    private static void AssertFilesHoldNo(string data, params string[] secrets)
    {
        foreach (var file in Directory.GetFiles(data))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in secrets)
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds {secret} in clear");
        }
    }

    /// <summary>A node of its own (its own data directory, database and key file), started on loopback.</summary>
    private sealed class TestApp : IAsyncDisposable
    {
        private WebApplication _app = null!;
        public HttpClient Ingest { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;
        public IServiceProvider Services => _app.Services;

        public static async Task<TestApp> StartAsync(string data, string? postgres, string keyFile)
        {
            var writeKey = $"wk_enc_{Guid.NewGuid():N}";
            var adminKey = $"tk_enc_{Guid.NewGuid():N}";
            var options = new TailorServerOptions { DataDirectory = data, Postgres = postgres, Urls = "http://127.0.0.1:0", WriteKey = writeKey, AdminKey = adminKey };
            options.Privacy.KeyFile = keyFile;
            options.Security.RateLimits = new RateLimitOptions { Api = new(), Ingest = new(), Personalize = new(), PerClient = new() };
            var app = new TestApp { _app = await TailorServer.BuildAsync(options, TestContext.Current.CancellationToken, b => b.Logging.SetMinimumLevel(LogLevel.Warning)) };
            await app._app.StartAsync(TestContext.Current.CancellationToken);
            var address = new Uri(app._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            app.Ingest = new HttpClient { BaseAddress = address };
            app.Ingest.DefaultRequestHeaders.Authorization = TailorAppFixture.BasicAuth(writeKey);
            app.Admin = new HttpClient { BaseAddress = address };
            app.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            return app;
        }

        public Task WaitForPipelineAsync() => PipelineProgress.WaitUntilCaughtUpAsync(Admin);

        public async ValueTask DisposeAsync()
        {
            Ingest.Dispose();
            Admin.Dispose();
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
