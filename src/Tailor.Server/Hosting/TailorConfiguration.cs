using System.Collections;
using System.Globalization;
using Tailor.Core.Limits;
using Tailor.Server.Admin;

namespace Tailor.Server.Hosting;

/// <summary>
/// The configuration a node is bound from (docs/configuration.md), lowest to highest: the defaults of
/// <see cref="TailorServerOptions"/>, <c>appsettings.json</c> in the data directory, the environment
/// (<c>TAILOR__SECTION__KEY</c>, and the older <c>TAILOR_SMTP</c>-style names, which the double-underscore names
/// override), then command-line flags (<c>--urls</c>, … and any key as <c>--Tailor:Section:Key=value</c>).
/// </summary>
public static class TailorConfiguration
{
    /// <summary>The settings file, read from the data directory when it exists.</summary>
    public const string FileName = "appsettings.json";

    /// <summary>The single-underscore variables of earlier releases and the key each sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> LegacyVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["TAILOR_DATA"] = "DataDirectory",
        ["TAILOR_POSTGRES"] = "Postgres",
        ["TAILOR_URLS"] = "Urls",
        ["TAILOR_WRITE_KEY"] = "WriteKey",
        ["TAILOR_ADMIN_KEY"] = "AdminKey",
        ["TAILOR_SMTP"] = "Smtp",
        ["TAILOR_PUBLIC_URL"] = "PublicUrl",
        ["TAILOR_EMAIL_FROM"] = "EmailFrom",
        ["TAILOR_CAMPAIGN_RATE"] = "CampaignRatePerSecond",
        ["TAILOR_CAPS"] = "Caps",
        ["TAILOR_IDENTITY_SECRET"] = "Security:IdentitySecret",
        ["TAILOR_API_MAX_BODY_BYTES"] = "Security:ApiMaxBodyBytes",
        ["TAILOR_API_MAX_JSON_DEPTH"] = "Security:ApiMaxJsonDepth",
        ["TAILOR_PERSONALIZE_DEBUG"] = "Security:PersonalizeDebug",
        ["TAILOR_MAX_IDENTITIES"] = "Profiles:MaxIdentitiesPerProfile",
        ["TAILOR_MAX_TRAITS"] = "Profiles:MaxTraits",
        ["TAILOR_MAX_TRAIT_BYTES"] = "Profiles:MaxTraitBytes",
        ["TAILOR_SMTP_USER"] = "Email:SmtpUser",
        ["TAILOR_SMTP_PASSWORD"] = "Email:SmtpPassword",
        ["TAILOR_SMTP_SECURITY"] = "Email:SmtpSecurity",
        ["TAILOR_SMTP_CA"] = "Email:SmtpTrustedCertificates",
        ["TAILOR_DKIM_KEY"] = "Email:DkimKeyFile",
        ["TAILOR_DKIM_SELECTOR"] = "Email:DkimSelector",
        ["TAILOR_DKIM_DOMAIN"] = "Email:DkimDomain",
        ["TAILOR_GEOIP"] = "Geo:Database",
        ["TAILOR_TRUNCATE_IP"] = "Geo:TruncateIp",
        // Read with their own syntax by LegacyKeys: TAILOR_WEBHOOK_ALLOW (comma-separated), TAILOR_FUTURE_TOLERANCE
        // (seconds), TAILOR_KEY_GRACE (30m, 24h, 7d), TAILOR_LIMITS (Name=value,…), TAILOR_IGNORED_IDS (comma-separated, replaces the list).
    };

    /// <summary>Builds the stack. <paramref name="flags"/> are keys under <c>Tailor:</c> the command's named flags set;
    /// <paramref name="arguments"/> are the <c>--Tailor:Key=value</c> tokens.</summary>
    /// <exception cref="FormatException">An older variable or <c>--limits</c> that does not parse; the message names it.</exception>
    public static IConfigurationRoot Build(IDictionary environment, IEnumerable<KeyValuePair<string, string?>> flags, IEnumerable<string> arguments)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in environment)
            if (entry.Key is string name && entry.Value is string value) variables[name] = value;
        var flagKeys = flags.Select(f => new KeyValuePair<string, string?>($"{TailorServerOptions.Section}:{f.Key}", f.Value)).ToList();
        var args = arguments.ToArray();

        // The data directory locates the file, so it is found first from everything above the file.
        var locate = new ConfigurationBuilder().AddInMemoryCollection(LegacyKeys(variables)).AddInMemoryCollection(Environment(variables))
            .AddInMemoryCollection(flagKeys).AddCommandLine(args).Build();
        var dataDirectory = locate[$"{TailorServerOptions.Section}:{nameof(TailorServerOptions.DataDirectory)}"] ?? new TailorServerOptions().DataDirectory;

        return new ConfigurationBuilder()
            .AddJsonFile(Path.GetFullPath(Path.Combine(dataDirectory, FileName)), optional: true, reloadOnChange: false)
            .AddInMemoryCollection(LegacyKeys(variables))
            .AddInMemoryCollection(Environment(variables))
            .AddInMemoryCollection(flagKeys)
            .AddCommandLine(args)
            .Build();
    }

    /// <summary><c>TAILOR__SECTION__KEY</c> as <c>Tailor:Section:Key</c> (keys are case-insensitive); other variables are left out.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> Environment(Dictionary<string, string> variables)
    {
        foreach (var (name, value) in variables)
            if (name.StartsWith("TAILOR__", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Tailor__", StringComparison.Ordinal))
                yield return new(TailorServerOptions.Section + ":" + name["TAILOR__".Length..].Replace("__", ":", StringComparison.Ordinal), value);
    }

    /// <summary>The older single-underscore variables as keys.</summary>
    internal static List<KeyValuePair<string, string?>> LegacyKeys(IReadOnlyDictionary<string, string> variables)
    {
        var keys = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value) => keys.Add(new($"{TailorServerOptions.Section}:{key}", value));
        foreach (var (variable, key) in LegacyVariables)
            if (variables.GetValueOrDefault(variable) is { Length: > 0 } value) Add(key, value);
        if (variables.GetValueOrDefault("TAILOR_WEBHOOK_ALLOW") is { Length: > 0 } allow)
        {
            var i = 0;
            foreach (var range in allow.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) Add($"Security:WebhookAllow:{i++}", range);
        }
        if (variables.GetValueOrDefault("TAILOR_FUTURE_TOLERANCE") is { Length: > 0 } tolerance)
        {
            if (!long.TryParse(tolerance, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 900_000_000_000)
                throw new FormatException($"TAILOR_FUTURE_TOLERANCE must be a whole number of seconds, not '{tolerance}'");
            Add("Limits:FutureTolerance", TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture));
        }
        if (variables.GetValueOrDefault("TAILOR_KEY_GRACE") is { Length: > 0 } grace)
        {
            if (!KeyGrace.TryParse(grace, out var period)) throw new FormatException($"TAILOR_KEY_GRACE {KeyGrace.Rule}");
            Add("Security:KeyRotationGrace", period.ToString("c", CultureInfo.InvariantCulture));
        }
        if (variables.GetValueOrDefault("TAILOR_LIMITS") is { Length: > 0 } limits) keys.AddRange(LimitKeys(limits));
        return keys;
    }

    /// <summary><c>MaxRuleDepth=32,MaxDuration=5000</c> (<c>--limits</c>, <c>TAILOR_LIMITS</c>) as <c>Tailor:Definitions:…</c> and <c>Tailor:RenderBudget:…</c> keys.</summary>
    /// <exception cref="FormatException">An unknown name, a value that is not a whole number, or a limit out of range.</exception>
    public static IEnumerable<KeyValuePair<string, string?>> LimitKeys(string text)
    {
        LimitSettings.Parse(text); // the same names and rules as before, and the same messages
        var keys = new List<KeyValuePair<string, string?>>();
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            var inBudget = typeof(Core.Content.RenderBudget).GetProperty(parts[0]) is not null;
            var value = parts[0] == nameof(Core.Content.RenderBudget.MaxDuration)
                ? TimeSpan.FromMilliseconds(int.Parse(parts[1], CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture)
                : parts[1];
            keys.Add(new($"{TailorServerOptions.Section}:{(inBudget ? nameof(TailorServerOptions.RenderBudget) : nameof(TailorServerOptions.Definitions))}:{parts[0]}", value));
        }
        return keys;
    }
}
