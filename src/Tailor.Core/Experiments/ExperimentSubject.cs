using System.Text.Json.Serialization;

namespace Tailor.Core.Experiments;

/// <summary>What an experiment varies: a placement's content, a block's variant, a campaign's template, a journey's branch, a flag read through the API, or everything (the global holdout).</summary>
/// <param name="Name">The placement, block, campaign or trigger under test; null for <see cref="SubjectKind.Flag"/> and <see cref="SubjectKind.Global"/>.</param>
public sealed record ExperimentSubject(SubjectKind Kind, string? Name = null);

[JsonConverter(typeof(JsonStringEnumConverter<SubjectKind>))]
public enum SubjectKind
{
    /// <summary>A placement: each variant names the block or template it serves (none: the placement's own content).</summary>
    [JsonStringEnumMemberName("placement")]
    Placement,

    /// <summary>A block: each variant names the block variant served (<see cref="ExperimentVariant.Value"/>; none: chosen by the block's rules).</summary>
    [JsonStringEnumMemberName("block")]
    Block,

    /// <summary>A campaign: each variant names the template the recipient gets (none: the campaign's own).</summary>
    [JsonStringEnumMemberName("campaign")]
    Campaign,

    /// <summary>A trigger: each variant's <see cref="ExperimentVariant.Value"/> is the branch a journey step under test takes.</summary>
    [JsonStringEnumMemberName("trigger")]
    Trigger,

    /// <summary>A flag the application reads through <c>GET /v1/experiments/{key}/assignment</c>: each variant's value.</summary>
    [JsonStringEnumMemberName("flag")]
    Flag,

    /// <summary>The global long-running holdout: arms <c>holdout</c> (no personalization anywhere) and <c>personalized</c>.</summary>
    [JsonStringEnumMemberName("global")]
    Global,
}
