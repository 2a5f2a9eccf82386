using System.Data.Common;
using System.Text.Json;
using Tailor.Core.Delivery;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Campaigns;

/// <summary>Campaigns and their send ledger (tables <c>campaigns</c>, <c>campaign_recipients</c>). Plain SQL that both dialects accept.</summary>
internal sealed class SqlCampaignStore(SqlDatabase db) : ICampaignStore
{
    private const string CampaignColumns = "id, name, template, segment, subject, sender, status, created_at, started_at, completed_at, audience_size, caps, send_at";

    public Task SaveCampaignAsync(Campaign campaign, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, $"""
            INSERT INTO campaigns ({CampaignColumns}) VALUES (@id, @name, @template, @segment, @subject, @sender, @status, @created, @started, @completed, @size, @caps, @sendAt)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, template = excluded.template, segment = excluded.segment, subject = excluded.subject,
                sender = excluded.sender, status = excluded.status, started_at = excluded.started_at, completed_at = excluded.completed_at,
                audience_size = excluded.audience_size, caps = excluded.caps, send_at = excluded.send_at
            """, cancellationToken, ("id", campaign.Id), ("name", campaign.Name), ("template", campaign.Template), ("segment", campaign.Segment),
            ("subject", campaign.Subject), ("sender", campaign.From), ("status", campaign.Status), ("created", Db.Ms(campaign.CreatedAt)),
            ("started", campaign.StartedAt is { } s ? Db.Ms(s) : null), ("completed", campaign.CompletedAt is { } d ? Db.Ms(d) : null),
            ("size", campaign.AudienceSize), ("caps", CapsJson(campaign.Caps)), ("sendAt", campaign.SendAt is { } at ? Db.Ms(at) : null)), cancellationToken);

    private sealed record StoredCap(int Max, long PerSeconds, string Channel, string? Origin);

    private static string CapsJson(IReadOnlyList<FrequencyCap> caps) =>
        JsonSerializer.Serialize(caps.Select(c => new StoredCap(c.Max, (long)c.Per.TotalSeconds, c.Channel, c.Origin)));

    private static FrequencyCap[] ReadCaps(string json) =>
        [.. JsonSerializer.Deserialize<StoredCap[]>(json)!.Select(c => new FrequencyCap(c.Max, TimeSpan.FromSeconds(c.PerSeconds), c.Channel, c.Origin))];

    public async Task<Campaign?> GetCampaignAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, $"SELECT {CampaignColumns} FROM campaigns WHERE id = @id", ReadCampaign, cancellationToken, ("id", id));
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<Campaign>> ListCampaignsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {CampaignColumns} FROM campaigns ORDER BY created_at, id", ReadCampaign, cancellationToken);
    }

    private static Campaign ReadCampaign(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableString(4),
        r.NullableString(5), r.GetString(6), ProfileColumns.FromMs(r.GetInt64(7)),
        r.IsDBNull(8) ? null : ProfileColumns.FromMs(r.GetInt64(8)), r.IsDBNull(9) ? null : ProfileColumns.FromMs(r.GetInt64(9)), r.GetInt64(10), ReadCaps(r.GetString(11)),
        r.IsDBNull(12) ? null : ProfileColumns.FromMs(r.GetInt64(12)));

    public Task AddRecipientsAsync(string campaignId, IReadOnlyList<string> profileIds, CancellationToken cancellationToken)
    {
        if (profileIds.Count == 0) return Task.CompletedTask;
        var statements = profileIds.Select(id => new Statement(
            "INSERT INTO campaign_recipients (campaign_id, profile_id, status, at) VALUES (@c, @p, 'pending', 0) ON CONFLICT (campaign_id, profile_id) DO NOTHING",
            ("c", campaignId), ("p", id))).ToList();
        return db.WriteAsync(async (c, t) => { await db.ExecuteAllAsync(c, t, statements, cancellationToken); return 0; }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ClaimRecipientsAsync(string campaignId, int max, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<string>>(async (c, t) =>
        {
            var ids = new List<string>();
            await using (var command = Db.Command(c, t,
                "SELECT profile_id FROM campaign_recipients WHERE campaign_id = @c AND status = 'pending' ORDER BY profile_id LIMIT @max",
                ("c", campaignId), ("max", max)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
            await db.ExecuteAllAsync(c, t, [.. ids.Select(id => new Statement(
                "UPDATE campaign_recipients SET status = 'sending' WHERE campaign_id = @c AND profile_id = @p", ("c", campaignId), ("p", id)))], cancellationToken);
            return ids;
        }, cancellationToken);

    public Task CompleteRecipientsAsync(string campaignId, IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken)
    {
        var statements = outcomes.Select(o => new Statement(
            "UPDATE campaign_recipients SET status = @s, detail = @d, at = @at WHERE campaign_id = @c AND profile_id = @p",
            ("s", o.Status), ("d", db.Protection.ProtectAlways(o.Detail, RecipientScope(campaignId, o.ProfileId))), ("at", Db.Ms(o.At)), ("c", campaignId), ("p", o.ProfileId))).ToList();
        return db.WriteAsync(async (c, t) => { await db.ExecuteAllAsync(c, t, statements, cancellationToken); return 0; }, cancellationToken);
    }

    public Task<int> MarkInterruptedAsync(string campaignId, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => Db.ExecuteAsync(c, t,
            "UPDATE campaign_recipients SET status = 'interrupted', detail = 'the node stopped while sending; not resent so that nobody gets it twice' WHERE campaign_id = @c AND status = 'sending'",
            cancellationToken, ("c", campaignId)), cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> RecipientCountsAsync(string campaignId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await Db.ListAsync(c, "SELECT status, COUNT(*) FROM campaign_recipients WHERE campaign_id = @c GROUP BY status",
            r => (r.GetString(0), r.GetInt64(1)), cancellationToken, ("c", campaignId));
        return rows.ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<RecipientOutcome>> RecipientsAsync(string campaignId, string? status, string? afterProfileId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var sql = "SELECT profile_id, status, detail, at FROM campaign_recipients WHERE campaign_id = @c"
            + (status is null ? "" : " AND status = @s") + (afterProfileId is null ? "" : " AND profile_id > @after") + " ORDER BY profile_id LIMIT @limit";
        return await Db.ListAsync(c, sql, r => ReadRecipient(campaignId, r), cancellationToken, ("c", campaignId), ("s", status ?? ""), ("after", afterProfileId ?? ""), ("limit", limit));
    }

    public async Task<RecipientOutcome?> RecipientAsync(string campaignId, string profileId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await Db.ListAsync(c, "SELECT profile_id, status, detail, at FROM campaign_recipients WHERE campaign_id = @c AND profile_id = @p",
            r => ReadRecipient(campaignId, r), cancellationToken,
            ("c", campaignId), ("p", profileId));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>A ledger row (profile_id, status, detail, at); the detail in clear.</summary>
    private RecipientOutcome ReadRecipient(string campaignId, DbDataReader r)
    {
        var profileId = r.GetString(0);
        return new(profileId, r.GetString(1), db.Protection.RevealText(r.NullableString(2), "", RecipientScope(campaignId, profileId)), ProfileColumns.FromMs(r.GetInt64(3)));
    }

    /// <summary>
    /// The binding of a ledger row's encrypted detail (issue 13): a send's detail can quote the address (an SMTP refusal
    /// such as <c>550 &lt;ann@example.com&gt;: no such user</c>), so it is encrypted whatever the field list says.
    /// </summary>
    internal static string RecipientScope(string campaignId, string profileId) => string.Concat("recipient:", campaignId, ":", profileId);
}
