using Tailor.Core.Delivery;

namespace Tailor.Application.Campaigns;

/// <summary>What a new campaign is made of, as given (checked by <see cref="CampaignOperations.CreateAsync"/>).</summary>
/// <param name="Segment">The segment's name or id.</param>
/// <param name="SendAt">Start by itself at this moment (a schedule); without it the campaign waits to be started.</param>
public sealed record CampaignDraft(string? Name, string? Template, string? Segment, string? Subject, string? From, IReadOnlyList<FrequencyCap> Caps, DateTimeOffset? SendAt);
