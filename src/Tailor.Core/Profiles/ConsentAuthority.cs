using Tailor.Core.Events;

namespace Tailor.Core.Profiles;

/// <summary>
/// Which consent answers are authoritative. Tailor's own changes — the admin API (<c>PUT /api/profiles/{id}/consent</c>)
/// and the email unsubscribe flow — are logged as events of source <see cref="Source"/> and replace the current answer
/// whatever its time; an answer from a tracked event (<c>context.consent</c>, <c>traits.consent</c>) replaces it only
/// when it is at least as recent. So an old or wrongly dated event-sourced "yes" can never outlive an unsubscribe,
/// while a person who opts in again on the site later is heard.
/// </summary>
public static class ConsentAuthority
{
    /// <summary>The source id of events Tailor itself writes through its API and email links; no write-key source has it (theirs start with <c>src_</c>).</summary>
    public const string Source = "api";

    public static bool IsAuthoritative(TailorEvent e) => e.SourceId == Source;
}
