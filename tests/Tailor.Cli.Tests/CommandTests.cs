using System.Diagnostics;
using System.Text.Json;
using Tailor.Core.Identity;
using Tailor.Storage;

namespace Tailor.Cli.Tests;

/// <summary>The <c>tailor</c> program itself, run as a child process.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Import_of_a_csv_file_builds_profiles_that_tailor_profile_shows()
    {
        var csv = _dir.File("events.csv");
        await File.WriteAllTextAsync(csv, """
            type,event,userId,anonymousId,timestamp,traits.email,traits.plan,properties.revenue
            identify,,u-7,a-7,2026-03-01T09:00:00Z,Ann@Example.com,pro,
            track,Order Completed,u-7,,2026-03-01T09:05:00Z,,,42.50
            track,Order Completed,,,2026-03-01T09:06:00Z,,,1
            """, Ct);

        var import = await Tailor.RunAsync(_dir.Path, "import", csv, "--data", _dir.File("data"));
        var profile = await Tailor.RunAsync(_dir.Path, "profile", "ann@example.com", "--type", "email", "--data", _dir.File("data"));

        Assert.Equal(1, import.ExitCode); // one row rejected
        Assert.Contains("userId or anonymousId is required", import.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(_dir.File("events.csv.rejected.ndjson")));
        Assert.Equal(0, profile.ExitCode);
        var json = profile.Output[profile.Output.IndexOf('{', StringComparison.Ordinal)..];
        using var view = JsonDocument.Parse(json[..(json.LastIndexOf('}') + 1)]);
        Assert.Equal("pro", view.RootElement.GetProperty("traits").GetProperty("plan").GetString());
        Assert.Equal(1, view.RootElement.GetProperty("computed").GetProperty("orderCount").GetInt64());
        Assert.Equal(42.50m, view.RootElement.GetProperty("computed").GetProperty("totalRevenue").GetDecimal());
    }

    [Fact]
    public async Task Import_into_a_store_whose_fold_is_split_folds_through_its_identity_stage_and_partitions()
    {
        var data = _dir.File("data");
        await using (var store = await global::Tailor.Storage.TailorStores.OpenAsync(data, null, Ct))
            await store.Positions.SplitFoldAsync(3, Ct); // as a server started with Tailor:FoldPartitions = 3 leaves it
        var csv = _dir.File("events.csv");
        await File.WriteAllTextAsync(csv, """
            type,event,userId,anonymousId,timestamp,traits.plan,properties.revenue
            track,Order Completed,,a-1,2026-03-01T09:00:00Z,,5
            identify,,u-1,a-1,2026-03-01T09:01:00Z,pro,
            track,Order Completed,u-1,,2026-03-01T09:05:00Z,,42.50
            """, Ct);

        var import = await Tailor.RunAsync(_dir.Path, "import", csv, "--data", data);
        var profile = await Tailor.RunAsync(_dir.Path, "profile", "u-1", "--data", data);

        Assert.Equal(0, import.ExitCode);
        Assert.Equal(0, profile.ExitCode);
        var json = profile.Output[profile.Output.IndexOf('{', StringComparison.Ordinal)..];
        using var view = JsonDocument.Parse(json[..(json.LastIndexOf('}') + 1)]);
        Assert.Equal("pro", view.RootElement.GetProperty("traits").GetProperty("plan").GetString());
        Assert.Equal(2, view.RootElement.GetProperty("computed").GetProperty("orderCount").GetInt64()); // the visitor's order merged in
        await using (var store = await global::Tailor.Storage.TailorStores.OpenAsync(data, null, Ct))
            Assert.Equal(3, await store.Positions.FoldedUpToAsync(Ct));
    }

    [Fact]
    public async Task Unknown_profile_and_missing_file_fail_with_a_clear_message()
    {
        var missing = await Tailor.RunAsync(_dir.Path, "import", _dir.File("nope.csv"), "--data", _dir.File("data"));
        var unknown = await Tailor.RunAsync(_dir.Path, "profile", "nobody", "--data", _dir.File("data"));

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Output, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No profile", unknown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_and_keys_can_be_created_and_listed()
    {
        var data = _dir.File("data");
        var created = await Tailor.RunAsync(_dir.Path, "sources", "create", "website", "--write-key", "wk_website_123", "--data", data);
        var duplicate = await Tailor.RunAsync(_dir.Path, "sources", "create", "website", "--data", data);
        var sources = await Tailor.RunAsync(_dir.Path, "sources", "list", "--data", data);
        var key = await Tailor.RunAsync(_dir.Path, "keys", "create", "dashboard", "--data", data);

        Assert.Equal(0, created.ExitCode);
        Assert.Equal(2, duplicate.ExitCode);
        Assert.Contains("exists already", duplicate.Output, StringComparison.Ordinal);
        Assert.Contains("wk_website_123", sources.Output, StringComparison.Ordinal);
        Assert.Equal(0, key.ExitCode);
        Assert.Matches("tk_admin_[0-9a-f]{40}", key.Output);
    }

    [Fact]
    public async Task Segments_are_created_listed_explained_and_deleted_from_the_command_line()
    {
        var data = _dir.File("data");
        var file = _dir.File("orders.ndjson");
        await File.WriteAllLinesAsync(file,
        [
            """{"type":"track","event":"Order Completed","userId":"big","properties":{"revenue":500}}""",
            """{"type":"track","event":"Order Completed","userId":"small","properties":{"revenue":5}}""",
        ], Ct);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "import", file, "--data", data)).ExitCode);

        var bad = await Tailor.RunAsync(_dir.Path, "segments", "create", "Big", "--rule", "performed \"Order Completed\" sum of revenue >=", "--data", data);
        var created = await Tailor.RunAsync(_dir.Path, "segments", "create", "Big", "--rule", "performed \"Order Completed\" sum of revenue >= 100", "--data", data);
        var list = await Tailor.RunAsync(_dir.Path, "segments", "list", "--data", data);
        await using (var store = await TailorStores.OpenAsync(data, null, Ct))
        {
            var small = await store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, "small"), Ct);
            var explain = await Tailor.RunAsync(_dir.Path, "segments", "explain", "Big", small!.Id, "--data", data);
            Assert.Equal(3, explain.ExitCode); // not a member
            Assert.Contains("sum of revenue is 5", explain.Output, StringComparison.Ordinal);
        }
        var deleted = await Tailor.RunAsync(_dir.Path, "segments", "delete", "Big", "--data", data);

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("line 1, column", bad.Output, StringComparison.Ordinal);
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("1 entered", created.Output, StringComparison.Ordinal);
        Assert.Contains("Big", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, deleted.ExitCode);
        await using var after = await TailorStores.OpenAsync(data, null, Ct);
        Assert.Empty(await after.Segments.ListSegmentsAsync(Ct));
    }

    [Fact]
    public async Task A_segment_another_segment_or_a_trigger_names_is_not_deleted_from_the_command_line()
    {
        var data = _dir.File("data");
        var trigger = _dir.File("trigger.json");
        await File.WriteAllTextAsync(trigger, """{"name": "Welcome VIP", "start": {"segment": "VIP"}, "steps": [{"wait": "1m"}]}""", Ct);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "segments", "create", "VIP", "--rule", "has consent email", "--data", data)).ExitCode);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "segments", "create", "VIP Fans", "--rule", "in segment \"VIP\"", "--data", data)).ExitCode);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "triggers", "create", trigger, "--data", data)).ExitCode);

        var refused = await Tailor.RunAsync(_dir.Path, "segments", "delete", "VIP", "--data", data);

        Assert.Equal(2, refused.ExitCode);
        var output = string.Join(' ', refused.Output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)); // the console wraps long lines
        Assert.Contains("segments VIP Fans; triggers Welcome VIP", output, StringComparison.Ordinal);
        await using var store = await TailorStores.OpenAsync(data, null, Ct);
        Assert.Equal(2, (await store.Segments.ListSegmentsAsync(Ct)).Count);
    }

    [Fact]
    public async Task An_import_killed_midway_resumes_and_ends_with_every_event_stored_once()
    {
        const int count = 60_000;
        var file = _dir.File("big.ndjson");
        await using (var writer = new StreamWriter(file))
        {
            for (var i = 0; i < count; i++)
                await writer.WriteLineAsync("{\"type\":\"track\",\"event\":\"Page Viewed\",\"userId\":\"u" + (i % 500) + "\",\"timestamp\":\"2026-02-01T00:00:00Z\",\"properties\":{\"n\":" + i + "}}");
        }
        var data = _dir.File("data");

        using (var first = Tailor.Start(_dir.Path, "import", file, "--data", data))
        {
            // Kill once the first checkpoints are saved, well before the end.
            var deadline = Stopwatch.StartNew();
            while (await LinesDoneAsync(data) < 2_000 && !first.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(50, Ct);
            Assert.False(first.HasExited, "the import finished before it could be killed; make the file larger");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(Ct);
        }
        var killedAt = await LinesDoneAsync(data);
        var second = await Tailor.RunAsync(_dir.Path, "import", file, "--data", data);

        Assert.InRange(killedAt, 1, count - 1);
        Assert.Equal(0, second.ExitCode);
        await using var store = await TailorStores.OpenAsync(data, null, Ct);
        Assert.Equal(count, await store.Events.LastSequenceAsync(Ct));
        var profile = await store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, "u7"), Ct);
        Assert.Equal(count / 500, profile!.Computed.EventCount);
    }

    private static async Task<long> LinesDoneAsync(string data)
    {
        if (!File.Exists(TailorStores.SqlitePath(data))) return 0;
        try
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={TailorStores.SqlitePath(data)};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(MAX(lines_done), 0) FROM imports";
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0; // schema not created yet
        }
    }
}
