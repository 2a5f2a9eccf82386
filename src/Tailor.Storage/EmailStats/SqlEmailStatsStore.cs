using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.EmailStats;

/// <summary>
/// Reads the email counts from the tables that already hold them: the campaign ledger (<c>campaign_recipients</c>), the
/// trigger outbox (<c>trigger_deliveries</c>) and the event log (<c>events</c>, by name through <c>events_by_name_seq</c>).
/// </summary>
internal sealed class SqlEmailStatsStore(SqlDatabase db) : IEmailStatsStore
{
    private const int Chunk = 500;

    public async Task<IReadOnlyList<ProfileMoment>> CampaignSendsAsync(string campaignId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT profile_id, at FROM campaign_recipients WHERE campaign_id = @c AND status = 'sent'", Read, cancellationToken, ("c", campaignId));
    }

    public async Task<IReadOnlyList<ProfileMoment>> TriggerEmailSendsAsync(string triggerId, CancellationToken cancellationToken)
    {
        // A sent delivery's due_at is the moment its outcome was recorded (the worker sets it when it completes).
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT profile_id, due_at FROM trigger_deliveries WHERE trigger_id = @t AND kind = 'email' AND status = @sent",
            Read, cancellationToken, ("t", triggerId), ("sent", DeliveryStatus.Sent.ToString().ToLowerInvariant()));
    }

    public async Task<IReadOnlyList<ProfileMoment>> OriginEventsAsync(string eventName, string origin, CancellationToken cancellationToken)
    {
        var originSql = db.Kind == "postgres" ? "payload->'properties'->>'origin'" : "json_extract(payload, '$.properties.origin')";
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT profile_id, ts FROM events WHERE name = @n AND profile_id IS NOT NULL AND {originSql} = @o",
            Read, cancellationToken, ("n", eventName), ("o", origin));
    }

    public async Task<IReadOnlyList<ProfileMoment>> EventsAsync(IReadOnlyCollection<string> profileIds, string eventName, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var found = new List<ProfileMoment>();
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var chunk in profileIds.Chunk(Chunk))
        {
            var (list, parameters) = Db.InList(chunk);
            found.AddRange(await Db.ListAsync(c, $"SELECT profile_id, ts FROM events WHERE profile_id IN ({list}) AND name = @n AND ts >= @since",
                Read, cancellationToken, [.. parameters, ("n", eventName), ("since", Db.Ms(since))]));
        }
        return found;
    }

    private static ProfileMoment Read(System.Data.Common.DbDataReader r) => new(r.GetString(0), ProfileColumns.FromMs(r.GetInt64(1)));
}
