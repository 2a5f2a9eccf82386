using Parquet;
using Parquet.Schema;
using Tailor.Application.Destinations;
using Tailor.Core.Destinations;
using Tailor.Core.Profiles;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>
/// The Parquet export: each step writes the batch's rows as files under
/// <c>{directory}/{table}/day=yyyy-MM-dd/{table}-{first}-{last}.parquet</c>, each through a temporary file that is
/// fsynced, renamed and its directory fsynced, and only then commits the positions. A crash between the rename and
/// the commit leaves files whose first position is past the committed one: <see cref="Recover"/> removes them (and
/// any temporary file) before the first step after a start or a failure, so the step writes them again, once.
/// </summary>
internal sealed partial class ParquetExport(ExportReader reader, IDestinationStore store, ILogger<ParquetExport> logger) : IDestinationDriver
{
    /// <summary>Rows read per table per batch (one file per day per batch): large enough that files are not tiny, small enough to stay bounded in memory.</summary>
    public const int BatchRows = 20_000;

    /// <summary>
    /// Batches per step at most: a step goes on while the batches come full, so the next batch is read while the one
    /// before is written, and other destinations still get their turn every few seconds.
    /// </summary>
    public const int BatchesPerStep = 5;

    private readonly HashSet<string> _recovered = [];

    public string Kind => DestinationKinds.Parquet;

    public async Task<FollowerStep> StepAsync(Destination d, CancellationToken ct)
    {
        var directory = d.Settings.Directory!;
        var from = await reader.PositionsAsync(d, ct);
        lock (_recovered)
        {
            if (!_recovered.Contains(d.Id)) Recover(directory, from);
            _recovered.Add(d.Id);
        }
        var size = d.Settings.BatchSize ?? BatchRows;
        var consents = new Dictionary<string, Profile>(StringComparer.Ordinal); // read once per step, not once per batch
        var batch = await reader.ReadAsync(d, from, size, ct, consents, eventRows: true);
        if (!batch.Moved) return FollowerStep.Idle();
        long rows = 0;
        for (var n = 1; ; n++)
        {
            // The next batch, from where this one ends, is read on another thread while this one is written and
            // committed (by the profile in BENCHMARKS.md the read is the larger half). The read moves nothing: batches are
            // still written and committed one after the other, each file before its commit.
            var ends = batch.Ends();
            var next = batch.Full && n < BatchesPerStep ? Task.Run(() => reader.ReadAsync(d, ends, size, ct, consents, eventRows: true), ct) : null;
            try
            {
                await WriteAsync(directory, batch, ct);
                await store.CommitAsync(new DestinationCommit(d.Id, [.. batch.Moves.Values], batch.Rows, batch.Refused), ct);
            }
            catch
            {
                lock (_recovered) _recovered.Remove(d.Id); // files of this batch may be on disk: look again before the next step
                if (next is not null) await next.ContinueWith(static t => t.Exception, TaskScheduler.Default); // never left unobserved
                throw;
            }
            finally
            {
                batch.EventRows?.Dispose();
            }
            rows += batch.Rows;
            if (next is null) break;
            batch = await next;
            if (!batch.Moved) break;
        }
        return new FollowerStep((int)Math.Max(1, rows));
    }

    /// <summary>Removes temporary files and files of steps never committed (first position past the committed one); returns how many.</summary>
    public int Recover(string directory, IReadOnlyDictionary<string, long> committed)
    {
        if (!Directory.Exists(directory)) return 0;
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var file = Path.GetFileName(path);
            var stale = file.EndsWith(".tmp", StringComparison.Ordinal) ||
                (ExportFileName.TryParse(file, out var name) &&
                 committed.TryGetValue(name.Table == ExportTables.Profiles ? ExportTables.Events : name.Table, out var position) && name.First > position);
            if (!stale) continue;
            File.Delete(path);
            removed++;
            LogRemoved(file);
        }
        return removed;
    }

    public static async Task WriteAsync(string directory, ExportBatch batch, CancellationToken ct)
    {
        if (batch.EventRows is { Rows.Count: > 0 } eventRows)
            foreach (var (day, index) in ByDay(eventRows.Rows))
            {
                // Column arrays from the shared pools (given back once the file is written): a batch's columns are
                // large arrays, which, new each time, would cost full collections.
                using var rented = new RentedColumns(eventRows.Rows, index);
                await WriteFileAsync(directory, ExportTables.Events, day, batch.Range(ExportTables.Events), [
                    ParquetColumn.Long("sequence", rented.Map(static r => r.Sequence)),
                    ParquetColumn.Text("message_id", rented.Map<string?>(static r => r.MessageId)),
                    ParquetColumn.Text("type", rented.Map<string?>(static r => r.Type)),
                    ParquetColumn.Text("name", rented.Map(static r => r.Name)),
                    ParquetColumn.Text("profile_id", rented.Map<string?>(static r => r.ProfileId)),
                    ParquetColumn.Text("user_id", rented.Map(static r => r.UserId)),
                    ParquetColumn.Text("anonymous_id", rented.Map(static r => r.AnonymousId)),
                    ParquetColumn.Time("timestamp", rented.Map<DateTime?>(static r => r.Timestamp)),
                    ParquetColumn.Time("received_at", rented.Map<DateTime?>(static r => r.ReceivedAt)),
                    ParquetColumn.Text("source_id", rented.Map<string?>(static r => r.SourceId)),
                    ParquetColumn.NullableDouble("revenue", rented.Map(static r => r.Revenue)),
                    ParquetColumn.Chars("properties", rented.Map(static r => r.Properties)),
                ], ct);
            }
        if (batch.Events.Count > 0)
        {
            var rows = new EventRow[batch.Events.Count];
            for (var i = 0; i < rows.Length; i++) rows[i] = EventRow.From(batch.Events[i]);
            foreach (var g in ByDay(rows))
            {
                await WriteFileAsync(directory, ExportTables.Events, ExportDay.Of(g[0].Timestamp), batch.Range(ExportTables.Events), [
                    ParquetColumn.Long("sequence", Map(g, r => r.Sequence)),
                    ParquetColumn.Text("message_id", Map<EventRow, string?>(g, r => r.MessageId)),
                    ParquetColumn.Text("type", Map<EventRow, string?>(g, r => r.Type)),
                    ParquetColumn.Text("name", Map(g, r => r.Name)),
                    ParquetColumn.Text("profile_id", Map<EventRow, string?>(g, r => r.ProfileId)),
                    ParquetColumn.Text("user_id", Map(g, r => r.UserId)),
                    ParquetColumn.Text("anonymous_id", Map(g, r => r.AnonymousId)),
                    ParquetColumn.Time("timestamp", Map<EventRow, DateTime?>(g, r => r.Timestamp.UtcDateTime)),
                    ParquetColumn.Time("received_at", Map<EventRow, DateTime?>(g, r => r.ReceivedAt.UtcDateTime)),
                    ParquetColumn.Text("source_id", Map<EventRow, string?>(g, r => r.SourceId)),
                    ParquetColumn.NullableDouble("revenue", Map(g, r => r.Revenue)),
                    ParquetColumn.Text("properties", Map(g, r => r.Properties)),
                ], ct);
            }
        }
        if (batch.Profiles.Count > 0)
        {
            var g = batch.Profiles.Select(ProfileRow.From).ToArray();
            var exportedAt = batch.ExportedAt.UtcDateTime;
            await WriteFileAsync(directory, ExportTables.Profiles, ExportDay.Of(batch.ExportedAt), batch.Range(ExportTables.Profiles), [
                ParquetColumn.Text("profile_id", Map<ProfileRow, string?>(g, r => r.ProfileId)),
                ParquetColumn.Long("position", Map(g, _ => batch.Range(ExportTables.Profiles).Last)),
                ParquetColumn.Time("exported_at", Map<ProfileRow, DateTime?>(g, _ => exportedAt)),
                ParquetColumn.Text("merged_into", Map(g, r => r.MergedInto)),
                ParquetColumn.Time("created_at", Map<ProfileRow, DateTime?>(g, r => r.CreatedAt.UtcDateTime)),
                ParquetColumn.Time("updated_at", Map<ProfileRow, DateTime?>(g, r => r.UpdatedAt.UtcDateTime)),
                ParquetColumn.Text("identities", Map<ProfileRow, string?>(g, r => r.Identities)),
                ParquetColumn.Text("traits", Map<ProfileRow, string?>(g, r => r.Traits)),
                ParquetColumn.Long("event_count", Map(g, r => r.EventCount)),
                ParquetColumn.Long("order_count", Map(g, r => r.OrderCount)),
                ParquetColumn.Double("total_revenue", Map(g, r => r.TotalRevenue)),
                ParquetColumn.Time("first_seen", Map(g, r => r.FirstSeen?.UtcDateTime)),
                ParquetColumn.Time("last_seen", Map(g, r => r.LastSeen?.UtcDateTime)),
                ParquetColumn.Time("last_order_at", Map(g, r => r.LastOrderAt?.UtcDateTime)),
                ParquetColumn.Double("engagement_score", Map(g, r => r.EngagementScore)),
                ParquetColumn.Text("consent", Map<ProfileRow, string?>(g, r => r.Consent)),
                ParquetColumn.Text("tags", Map<ProfileRow, string?>(g, r => r.Tags)),
            ], ct);
        }
        foreach (var day in batch.Memberships.GroupBy(m => ExportDay.Of(m.At)))
        {
            var g = day.ToArray();
            await WriteFileAsync(directory, ExportTables.Memberships, day.Key, batch.Range(ExportTables.Memberships), [
                ParquetColumn.Long("history_id", Map(g, m => m.Id)),
                ParquetColumn.Text("segment_id", Map<Core.Storage.SegmentChangeEntry, string?>(g, m => m.SegmentId)),
                ParquetColumn.Text("profile_id", Map<Core.Storage.SegmentChangeEntry, string?>(g, m => m.ProfileId)),
                ParquetColumn.Text("change", Map<Core.Storage.SegmentChangeEntry, string?>(g, m => m.Entered ? "entered" : "exited")),
                ParquetColumn.Time("at", Map<Core.Storage.SegmentChangeEntry, DateTime?>(g, m => m.At.UtcDateTime)),
            ], ct);
        }
        foreach (var day in batch.Sends.GroupBy(s => ExportDay.Of(s.At)))
        {
            var g = day.ToArray();
            await WriteFileAsync(directory, ExportTables.Sends, day.Key, batch.Range(ExportTables.Sends), [
                ParquetColumn.Long("send_id", Map(g, s => s.Id)),
                ParquetColumn.Text("profile_id", Map<SendRecord, string?>(g, s => s.ProfileId)),
                ParquetColumn.Text("channel", Map<SendRecord, string?>(g, s => s.Channel)),
                ParquetColumn.Text("origin", Map<SendRecord, string?>(g, s => s.Origin)),
                ParquetColumn.Time("at", Map<SendRecord, DateTime?>(g, s => s.At.UtcDateTime)),
            ], ct);
        }
    }

    private static async Task WriteFileAsync(string directory, string table, string day, (long First, long Last) range, ParquetColumn[] columns, CancellationToken ct)
    {
        var folder = Path.Combine(directory, table, "day=" + day);
        Directory.CreateDirectory(folder);
        var final = Path.Combine(folder, new ExportFileName(table, range.First, range.Last).ToString());
        var temporary = final + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => (Field)c.Field)), stream, cancellationToken: ct))
            {
                using var group = writer.CreateRowGroup();
                foreach (var column in columns) await column.Write(group, ct);
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, final, overwrite: true);
        DirectorySync.Flush(folder);
    }

    /// <summary>The rows split by UTC day (log order kept within a day), keyed by the day's number rather than its text per row.</summary>
    private static List<EventRow[]> ByDay(EventRow[] rows)
    {
        var days = new Dictionary<long, List<EventRow>>();
        foreach (var row in rows)
        {
            var day = row.Timestamp.UtcTicks / TimeSpan.TicksPerDay;
            if (!days.TryGetValue(day, out var list)) days[day] = list = [];
            list.Add(row);
        }
        var groups = new List<EventRow[]>(days.Count);
        foreach (var list in days.Values) groups.Add([.. list]);
        return groups;
    }

    /// <summary>The indexes of the rows of each UTC day (log order kept within a day), in an array from the shared pool.</summary>
    private static List<(string Day, ArraySegment<int> Index)> ByDay(List<ExportEvent> rows)
    {
        var days = new Dictionary<long, (int[] Index, int Count)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var day = rows[i].Timestamp.Ticks / TimeSpan.TicksPerDay;
            if (!days.TryGetValue(day, out var d)) d = (System.Buffers.ArrayPool<int>.Shared.Rent(rows.Count), 0);
            d.Index[d.Count] = i;
            days[day] = (d.Index, d.Count + 1);
        }
        return [.. days.Values.Select(d => (ExportDay.Of(rows[d.Index[0]].Timestamp), new ArraySegment<int>(d.Index, 0, d.Count)))];
    }

    /// <summary>The columns of one file of event rows, each in an array rented from the shared pool and given back (cleared) on dispose.</summary>
    private sealed class RentedColumns(List<ExportEvent> rows, ArraySegment<int> index) : IDisposable
    {
        private readonly List<Action> _returns = [];

        public ArraySegment<T> Map<T>(Func<ExportEvent, T> select)
        {
            var values = System.Buffers.ArrayPool<T>.Shared.Rent(index.Count);
            for (var i = 0; i < index.Count; i++) values[i] = select(rows[index[i]]);
            _returns.Add(() => System.Buffers.ArrayPool<T>.Shared.Return(values, clearArray: true));
            return new ArraySegment<T>(values, 0, index.Count);
        }

        public void Dispose()
        {
            foreach (var give in _returns) give();
            System.Buffers.ArrayPool<int>.Shared.Return(index.Array!);
        }
    }

    private static TOut[] Map<TIn, TOut>(TIn[] rows, Func<TIn, TOut> select)
    {
        var values = new TOut[rows.Length];
        for (var i = 0; i < rows.Length; i++) values[i] = select(rows[i]);
        return values;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Parquet export: removed {File}, written by a step that never committed; it is written again")]
    private partial void LogRemoved(string file);
}
