using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Profiles;

namespace Tailor.Core.Sources;

/// <summary>
/// A source's <see cref="SourcePrivacy"/> compiled once (name sets built at save, not per event), applied to one event
/// before it is stored. Pure: the caller says whether the person consented to <c>analytics</c> and gives the key the
/// pseudonyms are made with. An event the policy leaves as it is is returned as it is (no parse, no copy).
/// </summary>
public sealed class SourcePolicy
{
    private readonly HashSet<string>? _allowTraits, _denyTraits, _allowProperties, _denyProperties;

    private SourcePolicy(SourcePrivacy privacy)
    {
        Mode = privacy.Mode;
        _allowTraits = Set(privacy.AllowTraits);
        _denyTraits = Set(privacy.DenyTraits);
        _allowProperties = Set(privacy.AllowProperties);
        _denyProperties = Set(privacy.DenyProperties);
    }

    /// <summary><c>keep</c>, <c>pseudonymous</c> or <c>drop</c>: what becomes of an event without analytics consent.</summary>
    public string Mode { get; }

    /// <summary>Whether applying needs the person's analytics consent (a mode other than <c>keep</c>).</summary>
    public bool NeedsConsent => Mode != SourcePrivacy.Keep;

    private bool Minimises => _allowTraits is not null || _denyTraits is not null || _allowProperties is not null || _denyProperties is not null;

    /// <summary>The compiled policy; null when it changes nothing (keep, no lists): the ingestion path then skips it entirely.</summary>
    public static SourcePolicy? Compile(SourcePrivacy? privacy)
    {
        if (privacy is null) return null;
        var policy = new SourcePolicy(privacy);
        return policy.NeedsConsent || policy.Minimises ? policy : null;
    }

    /// <summary>What applying the policy did to one event.</summary>
    /// <param name="Event">The event to store; null when it is dropped.</param>
    /// <param name="DroppedFields">Traits and properties removed by the allow- and deny-lists.</param>
    /// <param name="Pseudonymized">Stored in pseudonymous form (no analytics consent).</param>
    public readonly record struct Outcome(TailorEvent? Event, int DroppedFields, bool Pseudonymized);

    /// <param name="analyticsConsent">Whether the person consented to <c>analytics</c> (ignored in mode <c>keep</c>).</param>
    /// <param name="pseudonymKey">The HMAC key of pseudonyms (mode <c>pseudonymous</c>).</param>
    public Outcome Apply(TailorEvent e, bool analyticsConsent, ReadOnlySpan<byte> pseudonymKey)
    {
        var pseudonymize = !analyticsConsent && Mode == SourcePrivacy.Pseudonymous;
        if (!analyticsConsent && Mode == SourcePrivacy.Drop) return new Outcome(null, 0, false);
        if (!pseudonymize && !Minimises) return new Outcome(e, 0, false);
        if (JsonNode.Parse(e.Payload) is not JsonObject message) return new Outcome(e, 0, false);
        var dropped = 0;
        var context = message["context"] as JsonObject;
        if (Minimises)
        {
            dropped += Filter(message["traits"] as JsonObject, _allowTraits, _denyTraits, keep: ProfileReducer.ConsentTrait);
            dropped += Filter(context?["traits"] as JsonObject, _allowTraits, _denyTraits, keep: ProfileReducer.ConsentTrait);
            dropped += Filter(message["properties"] as JsonObject, _allowProperties, _denyProperties, keep: null);
        }
        var userId = e.UserId;
        var anonymousId = e.AnonymousId;
        if (pseudonymize)
        {
            // Direct identifiers go; what stays is linkable only through the key (GDPR Art. 4(5)). The consent answers stay.
            var consent = (message["traits"] as JsonObject)?[ProfileReducer.ConsentTrait]?.DeepClone();
            message.Remove("traits");
            if (consent is not null && e.Type == EventType.Identify) message["traits"] = new JsonObject { [ProfileReducer.ConsentTrait] = consent };
            context?.Remove("traits");
            context?.Remove("ip");
            (message["properties"] as JsonObject)?.Remove("email");
            userId = userId is null ? null : Pseudonym(pseudonymKey, "user", userId);
            anonymousId = anonymousId is null ? null : Pseudonym(pseudonymKey, "anonymous", anonymousId);
            if (userId is null) message.Remove("userId"); else message["userId"] = userId;
            if (anonymousId is null) message.Remove("anonymousId"); else message["anonymousId"] = anonymousId;
            if (message["previousId"] is JsonValue previous && previous.TryGetValue<string>(out var previousId)) message["previousId"] = Pseudonym(pseudonymKey, "previous", previousId);
        }
        if (dropped == 0 && !pseudonymize) return new Outcome(e, 0, false);
        return new Outcome(e with { UserId = userId, AnonymousId = anonymousId, Payload = message.ToJsonString() }, dropped, pseudonymize);
    }

    /// <summary>
    /// The person's own answer on the event about <c>analytics</c>, where <see cref="ProfileReducer"/> reads consent
    /// (<c>context.consent.categoryPreferences</c>, an identify's <c>traits.consent</c>); null when it carries none.
    /// </summary>
    public static bool? ConsentAnswer(TailorEvent e)
    {
        if (!e.Payload.Contains("onsent", StringComparison.OrdinalIgnoreCase) && !e.Payload.Contains("\\u", StringComparison.Ordinal)) return null;
        using var doc = JsonDocument.Parse(e.Payload);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return null;
        bool? answer = null;
        if (root.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object &&
            context.TryGetProperty("consent", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("categoryPreferences", out var preferences))
            answer = Analytics(preferences);
        if (e.Type == EventType.Identify && root.TryGetProperty("traits", out var traits) && traits.ValueKind == JsonValueKind.Object &&
            traits.TryGetProperty(ProfileReducer.ConsentTrait, out var answers))
            answer = Analytics(answers) ?? answer;
        return answer;

        static bool? Analytics(JsonElement answers)
        {
            if (answers.ValueKind != JsonValueKind.Object) return null;
            foreach (var a in answers.EnumerateObject())
                if (a.Value.ValueKind is JsonValueKind.True or JsonValueKind.False && ConsentPurposes.Normalize(a.Name) == ConsentPurposes.Analytics) return a.Value.GetBoolean();
            return null;
        }
    }

    /// <summary><c>psn_</c> and 32 hex digits of HMAC-SHA256(key, kind:value): stable for one key, not reversible without it.</summary>
    public static string Pseudonym(ReadOnlySpan<byte> key, string kind, string value)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(kind + ":" + value), mac);
        return "psn_" + Convert.ToHexStringLower(mac[..16]);
    }

    private static int Filter(JsonObject? fields, HashSet<string>? allow, HashSet<string>? deny, string? keep)
    {
        if (fields is null || (allow is null && deny is null)) return 0;
        List<string>? remove = null;
        foreach (var (name, _) in fields)
            if (name != keep && ((allow is not null && !allow.Contains(name)) || deny?.Contains(name) == true)) (remove ??= []).Add(name);
        if (remove is null) return 0;
        foreach (var name in remove) fields.Remove(name);
        return remove.Count;
    }

    private static HashSet<string>? Set(IReadOnlyList<string>? names) => names is null ? null : new HashSet<string>(names, StringComparer.Ordinal);
}
