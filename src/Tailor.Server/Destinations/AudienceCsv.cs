using System.Text;
using Tailor.Core.Delivery;
using Tailor.Core.Destinations;
using Tailor.Core.Identity;
using Tailor.Core.Storage;

namespace Tailor.Server.Destinations;

/// <summary>
/// An audience destination's segment members as they are now, streamed page by page as CSV
/// (<c>profile_id,user_id,email_sha256</c>, one row per email), with the consent gate: members without consent to the
/// purpose are left out. Memory stays one page whatever the segment's size.
/// </summary>
internal static class AudienceCsv
{
    private const int Page = 1000;

    public static async Task WriteAsync(Stream output, Destination d, ISegmentStore segments, IDestinationStore store, CancellationToken ct)
    {
        var purpose = DestinationRules.PurposeOf(d);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync("profile_id,user_id,email_sha256\n");
        string? after = null;
        while (true)
        {
            var members = await segments.MembersAsync(d.Settings.SegmentId!, after, Page, ct);
            if (members.Count == 0) break;
            var profiles = await store.ProfilesAsync([.. members.Select(m => m.ProfileId)], ct);
            foreach (var member in members)
            {
                var profile = profiles.GetValueOrDefault(member.ProfileId);
                if (ConsentGate.Refusal(profile, purpose) is not null) continue;
                var userId = profile!.Identities.FirstOrDefault(i => i.Type == IdentityTypes.UserId).Value ?? "";
                var emails = AudienceSync.Emails(profile).Select(AudienceIdentifiers.HashEmail).DefaultIfEmpty("");
                foreach (var hash in emails) await writer.WriteAsync($"{Csv(member.ProfileId)},{Csv(userId)},{hash}\n");
            }
            await writer.FlushAsync(ct);
            after = members[^1].ProfileId;
            if (members.Count < Page) break;
        }
    }

    /// <summary>A CSV field, quoted when needed; a leading formula character is neutralised (CSV injection).</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0])) value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
