using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// The audit trail's promise (docs/security.md), tested on the real process: a profile read is answered only once its
/// audit entry is durable. On SQLite the entry is made durable in the journal file beside the database and moved into
/// <c>audit_log</c> later; a SIGKILL in between must lose no entry of an answered read, and the move after the restart
/// must insert none twice.
/// </summary>
public sealed class AuditCrashTests : IDisposable
{
    private const int Readers = 4;
    private readonly string _data = TempDirectory.Create("audit-crash");
    private readonly string _writeKey = $"wk_audit_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_audit_{Guid.NewGuid():N}";

    [Fact]
    public async Task Every_answered_profile_read_keeps_its_audit_entry_through_SIGKILL_once()
    {
        var answered = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey))
        {
            using var events = ProcessClient.Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey), TimeSpan.FromSeconds(20));
            using var admin = ProcessClient.Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey), TimeSpan.FromSeconds(20));
            using var stop = new CancellationTokenSource();
            // Events beside the reads keep the database's writer busy, as in production; the reads' entries stay in the journal until a page of 1,000 is full.
            var sender = Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var batch = string.Join(",", Enumerable.Range(0, 50).Select(i => $$"""{"type":"track","event":"Viewed","userId":"audit-user-{{(n * 50 + i) % 200}}","messageId":"audit-{{n}}-{{i}}"}"""));
                    try { using var _ = await events.PostAsync("/v1/batch", new StringContent($$"""{"batch":[{{batch}}]}""", System.Text.Encoding.UTF8, "application/json")); }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException) { return; }
                }
            }, CancellationToken.None);
            var readers = Enumerable.Range(0, Readers).Select(reader => Task.Run(async () =>
            {
                for (var n = 0; ; n++)
                {
                    var id = $"prf_audit_{reader}_{n}";
                    try
                    {
                        using var response = await admin.GetAsync($"/api/profiles/{id}");
                        // Only a read that reached the profile API is audited as one (a 429 is refused before it).
                        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) answered.TryAdd(id, 0);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the process is gone; a read not answered may or may not be recorded
                    }
                }
            }, CancellationToken.None)).ToArray();

            var clock = Stopwatch.StartNew();
            while (answered.Count < 300 && clock.Elapsed < TimeSpan.FromSeconds(60) && !readers.Any(r => r.IsCompleted))
                await Task.Delay(10, TestContext.Current.CancellationToken);
            await tailor.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll([sender, .. readers]).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.False(answered.IsEmpty, $"No read was answered before the kill:\n{tailor.Output}");
        }
        var leftovers = await JournalLeftoversAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"{answered.Count} reads answered before SIGKILL; {leftovers} entries still in the journal");
        Assert.True(leftovers > 0, "nothing was left in the journal to move after the kill: the test did not test the move"); // moves go by pages of 1,000

        // With the process dead, open the store as the next process would: the journal's leftovers are moved once.
        await using var store = await TailorStores.OpenAsync(_data, null, TestContext.Current.CancellationToken);
        var recorded = (await store.Audit.ListAsync(new AuditQuery(ActionPrefix: "GET /api/profiles/prf_audit_", Limit: 100_000), TestContext.Current.CancellationToken))
            .Select(e => e.Target!).ToList();
        var recordedIds = recorded.ToHashSet(StringComparer.Ordinal);
        var lost = answered.Keys.Where(id => !recordedIds.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {answered.Count} answered reads have no audit entry, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.Equal(recorded.Count, recordedIds.Count);
    }

    /// <summary>The entries the killed process had made durable in the journal and not yet moved.</summary>
    private async Task<long> JournalLeftoversAsync()
    {
        await using var journal = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data, "tailor.audit.db")};Pooling=false;Mode=ReadOnly");
        await journal.OpenAsync(TestContext.Current.CancellationToken);
        await using var count = journal.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM entries";
        return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public void Dispose() => TempDirectory.Delete(_data);
}
