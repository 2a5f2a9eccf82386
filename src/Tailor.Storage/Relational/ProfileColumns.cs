using System.Buffers;
using System.Text;
using System.Text.Json;
using Tailor.Core.Profiles;

namespace Tailor.Storage.Relational;

/// <summary>
/// How a profile is laid out in its row: traits as a plain JSON object (so the database can index and search it),
/// with the time each trait was set kept beside it, and computed traits, consent and tags as JSON documents.
/// </summary>
internal static class ProfileColumns
{
    /// <summary>The row's columns, in the order the store writes and reads them.</summary>
    public const string Sql = "id, created_at, updated_at, merged_into, traits, trait_times, computed, consent, tags";

    /// <summary>The row's columns as <see cref="Sql"/>, with NULL in place of the parts not asked for.</summary>
    public static string SqlOf(ProfileParts parts) => parts == ProfileParts.All ? Sql : string.Join(", ",
        "id, created_at, updated_at, merged_into",
        parts.HasFlag(ProfileParts.Traits) ? "traits, trait_times" : "NULL, NULL",
        parts.HasFlag(ProfileParts.Computed) ? "computed" : "NULL",
        parts.HasFlag(ProfileParts.Consent) ? "consent" : "NULL",
        parts.HasFlag(ProfileParts.Tags) ? "tags" : "NULL");

    public static string Traits(Profile profile) => Write(w =>
    {
        w.WriteStartObject();
        foreach (var (name, trait) in profile.Traits)
        {
            w.WritePropertyName(name);
            trait.Value.WriteTo(w);
        }
        w.WriteEndObject();
    });

    public static string TraitTimes(Profile profile) => Write(w =>
    {
        w.WriteStartObject();
        foreach (var (name, trait) in profile.Traits) w.WriteNumber(name, trait.At.ToUnixTimeMilliseconds());
        w.WriteEndObject();
    });

    public static string Computed(Profile profile) => Write(w =>
    {
        var c = profile.Computed;
        w.WriteStartObject();
        WriteTime(w, "firstSeen", c.FirstSeen);
        WriteTime(w, "lastSeen", c.LastSeen);
        w.WriteNumber("eventCount", c.EventCount);
        w.WriteStartObject("eventCounts");
        foreach (var (name, count) in c.EventCounts) w.WriteNumber(name, count);
        w.WriteEndObject();
        w.WriteNumber("orderCount", c.OrderCount);
        w.WriteNumber("totalRevenue", c.TotalRevenue);
        WriteTime(w, "lastOrderAt", c.LastOrderAt);
        w.WriteNumber("engagementScore", c.EngagementScore);
        w.WriteEndObject();
    });

    public static string Consent(Profile profile) => Write(w =>
    {
        w.WriteStartObject();
        foreach (var (purpose, record) in profile.Consent)
        {
            w.WriteStartObject(purpose);
            w.WriteBoolean("granted", record.Granted);
            w.WriteNumber("at", record.At.ToUnixTimeMilliseconds());
            w.WriteString("source", record.Source);
            if (record.Where is { } where) w.WriteString("where", where);
            if (record.Version is { } version) w.WriteString("version", version);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    public static string Tags(Profile profile) => Write(w =>
    {
        w.WriteStartArray();
        foreach (var tag in profile.Tags) w.WriteStringValue(tag);
        w.WriteEndArray();
    });

    /// <summary>A profile from its row; a part read as NULL (not asked for, <see cref="SqlOf"/>) is left empty.</summary>
    public static Profile Read(string id, long createdAt, long updatedAt, string? mergedInto,
        string? traits, string? traitTimes, string? computed, string? consent, string? tags)
    {
        var profile = new Profile
        {
            Id = id,
            CreatedAt = FromMs(createdAt),
            UpdatedAt = FromMs(updatedAt),
            MergedInto = mergedInto,
        };

        if (traits is not null && traitTimes is not null)
        using (var times = JsonDocument.Parse(traitTimes))
        using (var values = JsonDocument.Parse(traits))
        {
            foreach (var trait in values.RootElement.EnumerateObject())
            {
                var at = times.RootElement.TryGetProperty(trait.Name, out var t) ? FromMs(t.GetInt64()) : profile.UpdatedAt;
                profile.Traits[trait.Name] = new TraitValue(trait.Value.Clone(), at);
            }
        }

        if (computed is not null)
        using (var doc = JsonDocument.Parse(computed))
        {
            var c = doc.RootElement;
            var target = profile.Computed;
            target.FirstSeen = ReadTime(c, "firstSeen");
            target.LastSeen = ReadTime(c, "lastSeen");
            target.EventCount = c.GetProperty("eventCount").GetInt64();
            foreach (var count in c.GetProperty("eventCounts").EnumerateObject())
                target.EventCounts[count.Name] = count.Value.GetInt64();
            target.OrderCount = c.GetProperty("orderCount").GetInt64();
            target.TotalRevenue = c.GetProperty("totalRevenue").GetDecimal();
            target.LastOrderAt = ReadTime(c, "lastOrderAt");
            target.EngagementScore = c.GetProperty("engagementScore").GetDouble();
        }

        if (consent is not null) ReadConsent(consent, profile.Consent);

        if (tags is not null)
        using (var doc = JsonDocument.Parse(tags))
        {
            foreach (var tag in doc.RootElement.EnumerateArray()) profile.Tags.Add(tag.GetString()!);
        }
        return profile;
    }

    /// <summary>Reads the <c>consent</c> column (as <see cref="Consent"/> writes it) into <paramref name="into"/>.</summary>
    public static void ReadConsent(string consent, Dictionary<string, ConsentRecord> into)
    {
        using var doc = JsonDocument.Parse(consent);
        foreach (var purpose in doc.RootElement.EnumerateObject())
        {
            var r = purpose.Value;
            into[purpose.Name] = new ConsentRecord(
                r.GetProperty("granted").GetBoolean(),
                FromMs(r.GetProperty("at").GetInt64()),
                r.GetProperty("source").GetString()!,
                r.TryGetProperty("where", out var where) ? where.GetString() : null)
            { Version = r.TryGetProperty("version", out var version) ? version.GetString() : null };
        }
    }

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v) w.WriteNumber(name, v.ToUnixTimeMilliseconds());
        else w.WriteNull(name);
    }

    private static DateTimeOffset? ReadTime(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? FromMs(value.GetInt64()) : null;
}
