using System.Text.Json;

namespace Tailor.Core.Triggers;

/// <summary>What an action step does. Contacting or data-sharing actions name a channel and a consent purpose.</summary>
public abstract record TriggerAction
{
    /// <summary>The contact channel (<c>email</c>, <c>sms</c>, <c>webhook</c>) that frequency caps count; null for profile changes.</summary>
    public abstract string? Channel { get; }

    /// <summary>The consent purpose the profile must have granted; null when the action neither contacts nor shares.</summary>
    public abstract string? Purpose { get; }

    /// <summary>The action kind as stored: <c>email</c>, <c>webhook</c> or <c>profile</c>.</summary>
    public abstract string Kind { get; }
}

/// <summary>
/// Sends an email rendered from the profile and the event that started the run: either a stored Liquid
/// <paramref name="Template"/> (the content engine's, with tracking and unsubscribe headers; <paramref name="Subject"/>
/// then overrides the template's subject) or a plain <paramref name="Subject"/> and <paramref name="Body"/>.
/// </summary>
public sealed record EmailAction(string To, string? From, string? Subject, string? Body, string? Template = null) : TriggerAction
{
    public const string DefaultTo = "{{ profile.traits.email }}";

    public override string Channel => "email";
    public override string Purpose => "email";
    public override string Kind => "email";
}

/// <summary>POSTs the run's profile and event, plus <paramref name="Data"/> (string values are templates), to a URL.</summary>
/// <param name="MaxAttempts">Tries before the delivery goes to the dead-letter list.</param>
public sealed record WebhookAction(Uri Url, JsonElement? Data, string Purpose, int MaxAttempts, TimeSpan Timeout) : TriggerAction
{
    public const string DefaultPurpose = "personalization";
    public const int DefaultMaxAttempts = 5;

    /// <summary>The longest a request may take; a claim older than a few times this means its node died mid-send.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    public override string Channel => "webhook";
    public override string Purpose { get; } = Purpose;
    public override string Kind => "webhook";
}

/// <summary>Changes the profile through the event log: sets traits (null unsets), adds and removes tags.</summary>
public sealed record ProfileAction(IReadOnlyDictionary<string, JsonElement> Set, IReadOnlyList<string> Unset,
    IReadOnlyList<string> AddTags, IReadOnlyList<string> RemoveTags) : TriggerAction
{
    public override string? Channel => null;
    public override string? Purpose => null;
    public override string Kind => "profile";
}
