using System.Collections;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tailor.Server.Hosting;

namespace Tailor.Server.Tests.Hosting;

/// <summary>The configuration stack (file in the data directory, environment, flags), its precedence, its validation, and its one table in docs.</summary>
public sealed class ConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TailorServerOptions Bind(IConfiguration configuration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        return builder.AddTailorOptions(new TailorServerOptions());
    }

    [Fact]
    public void Flags_win_over_the_environment_which_wins_over_the_file_which_wins_over_the_defaults()
    {
        var data = TempDirectory.Create("config-precedence");
        File.WriteAllText(Path.Combine(data, TailorConfiguration.FileName), """
            {"Tailor": {"Smtp": "file:25", "PublicUrl": "https://file.example", "Urls": "http://127.0.0.1:1111",
                        "Engagement": {"Weights": {"Signed Up": 4}}, "Followers": {"PollInterval": "00:00:07"}}}
            """);
        var environment = new Hashtable
        {
            ["TAILOR_DATA"] = data,
            ["TAILOR__SMTP"] = "env:25",
            ["TAILOR__URLS"] = "http://127.0.0.1:2222",
            ["TAILOR_CAMPAIGN_RATE"] = "7", // an older name still works
            ["TAILOR__CAMPAIGNRATEPERSECOND"] = "9", // and the double-underscore name wins over it
            ["UNRELATED"] = "x",
        };

        var options = Bind(TailorConfiguration.Build(environment, [new("Urls", "http://127.0.0.1:3333")], ["--Tailor:Observability:JsonLogs=true"]));

        Assert.Equal("http://127.0.0.1:3333", options.Urls); // flag > env > file
        Assert.Equal("env:25", options.Smtp); // env > file
        Assert.Equal("https://file.example", options.PublicUrl); // file > default
        Assert.Equal(4, options.Engagement.Weights["Signed Up"]); // engagement weights are settable
        Assert.Equal(5, options.Engagement.Weights["Order Completed"]); // beside the defaults
        Assert.Equal(TimeSpan.FromSeconds(7), options.Followers.PollInterval);
        Assert.Equal(9, options.CampaignRatePerSecond);
        Assert.True(options.Observability.JsonLogs); // any key as --Tailor:Section:Key=value
        Assert.Equal("Tailor <no-reply@tailor.localhost>", options.EmailFrom); // the default where nothing sets it
        TempDirectory.Delete(data);
    }

    [Fact]
    public void Older_variables_with_their_own_syntax_set_the_same_keys()
    {
        var environment = new Hashtable
        {
            ["TAILOR_DATA"] = "unused",
            ["TAILOR_WEBHOOK_ALLOW"] = "10.1.0.0/16, 192.168.5.0/24",
            ["TAILOR_FUTURE_TOLERANCE"] = "90",
            ["TAILOR_KEY_GRACE"] = "2h",
            ["TAILOR_LIMITS"] = "MaxRuleDepth=12,MaxDuration=1500",
        };
        var options = Bind(TailorConfiguration.Build(environment, [], []));
        Assert.Equal(["10.1.0.0/16", "192.168.5.0/24"], options.Security.WebhookAllow);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Limits.FutureTolerance);
        Assert.Equal(TimeSpan.FromHours(2), options.Security.KeyRotationGrace);
        Assert.Equal(12, options.Definitions.MaxRuleDepth);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.RenderBudget.MaxDuration);
    }

    [Fact]
    public async Task A_value_that_does_not_convert_or_a_key_that_names_no_setting_stops_the_start_naming_the_key()
    {
        var data = TempDirectory.Create("config-bad");
        File.WriteAllText(Path.Combine(data, TailorConfiguration.FileName), """{"Tailor": {"CampaignRatePerSecond": "fast"}}""");
        var bad = TailorConfiguration.Build(new Hashtable { ["TAILOR_DATA"] = data }, [], []);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TailorServer.BuildAsync(new TailorServerOptions { DataDirectory = data }, bad, Ct, b => b.Logging.ClearProviders()));
        Assert.Contains("Tailor:CampaignRatePerSecond", error.Message, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(data, TailorConfiguration.FileName), "{}");
        var typo = TailorConfiguration.Build(new Hashtable { ["TAILOR_DATA"] = data, ["TAILOR__FOLLOWERS__POLINTERVAL"] = "00:00:01" }, [], []);
        error = await Assert.ThrowsAsync<OptionsValidationException>(() => TailorServer.BuildAsync(new TailorServerOptions { DataDirectory = data }, typo, Ct, b => b.Logging.ClearProviders()));
        Assert.Contains("POLINTERVAL", error.Message, StringComparison.OrdinalIgnoreCase);

        var rule = TailorConfiguration.Build(new Hashtable { ["TAILOR_DATA"] = data, ["TAILOR__SECURITY__APIMAXJSONDEPTH"] = "2" }, [], []);
        error = await Assert.ThrowsAsync<OptionsValidationException>(() => TailorServer.BuildAsync(new TailorServerOptions { DataDirectory = data }, rule, Ct, b => b.Logging.ClearProviders()));
        Assert.Contains("Tailor:Security:ApiMaxJsonDepth must be from 4 to 256, not 2", error.Message, StringComparison.Ordinal);
        TempDirectory.Delete(data);
    }

    [Fact]
    public void Every_setting_is_in_the_table_of_docs_configuration()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tailor.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var table = File.ReadAllText(Path.Combine(root, "docs", "configuration.md"));

        var missing = Keys(typeof(TailorServerOptions), TailorServerOptions.Section).Where(key => !table.Contains($"| `{key}`", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, "Not in the table of docs/configuration.md: " + string.Join(", ", missing));
        Assert.Contains("`TAILOR__ENGAGEMENT__WEIGHTS__", table, StringComparison.Ordinal);
    }

    /// <summary>Every settable leaf of an options class as its configuration key (sections are walked into).</summary>
    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || property.GetIndexParameters().Length > 0) continue;
            var key = $"{prefix}:{property.Name}";
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var leaf = t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
                || typeof(IEnumerable).IsAssignableFrom(t);
            if (leaf) yield return key;
            else foreach (var inner in Keys(t, key)) yield return inner;
        }
    }
}
