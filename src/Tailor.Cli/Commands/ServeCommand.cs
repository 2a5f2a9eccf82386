using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Tailor.Cli.Demo;
using Tailor.Server.Hosting;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor serve</c>: runs a Tailor node (HTTP APIs and the profile pipeline).</summary>
internal static class ServeCommand
{
    public static Command Create(StoreOptions store)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_URLS") ?? "http://127.0.0.1:5080",
        };
        var smtp = new Option<string?>("--smtp")
        {
            Description = "SMTP server for outgoing email, host:port (env TAILOR_SMTP)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_SMTP"),
        };
        var caps = new Option<string?>("--caps")
        {
            Description = "Global frequency caps per channel across triggers, e.g. email:3/1d,webhook:20/1h (env TAILOR_CAPS)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_CAPS"),
        };
        var limits = new Option<string?>("--limits")
        {
            Description = "Limits on rules, triggers, templates and renders, e.g. MaxRuleDepth=32,MaxDuration=5000 (env TAILOR_LIMITS; docs/rules.md)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_LIMITS"),
        };
        var demo = new Option<bool>("--demo") { Description = "Load the Online Retail demo data set (once) so there is something to look at" };
        var webhookAllow = new Option<string[]>("--webhook-allow")
        {
            Description = "A CIDR range (or address) webhooks may reach although it is loopback, private or special, e.g. 10.1.0.0/16; repeatable (env TAILOR_WEBHOOK_ALLOW, comma-separated)",
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_WEBHOOK_ALLOW")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        };
        var personalizeDebug = new Option<bool>("--personalize-debug")
        {
            Description = "Say in /v1/personalize answers why a variant was chosen (names rules and traits: never on a public site; env TAILOR_PERSONALIZE_DEBUG=true)",
            DefaultValueFactory = _ => string.Equals(Environment.GetEnvironmentVariable("TAILOR_PERSONALIZE_DEBUG"), "true", StringComparison.OrdinalIgnoreCase),
        };
        var geoip = new Option<string?>("--geoip")
        {
            Description = "A MaxMind-format database (FILE.mmdb) to resolve context.ip and visitors' addresses to country, region and city (env TAILOR_GEOIP; docs/browser.md)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_GEOIP"),
        };
        var truncateIp = new Option<bool>("--truncate-ip")
        {
            Description = "Store context.ip truncated to its /24 (IPv4) or /48 (IPv6) after the geo lookup (env TAILOR_TRUNCATE_IP=true)",
            DefaultValueFactory = _ => string.Equals(Environment.GetEnvironmentVariable("TAILOR_TRUNCATE_IP"), "true", StringComparison.OrdinalIgnoreCase),
        };
        var command = new Command("serve", "Run Tailor: the tracking API, the read API and the profile pipeline") { urls, smtp, caps, limits, demo, webhookAllow, personalizeDebug, geoip, truncateIp };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var options = new TailorServerOptions
            {
                Urls = result.GetValue(urls)!,
                DataDirectory = result.GetValue(store.Data)!,
                Postgres = result.GetValue(store.Postgres),
                WriteKey = Environment.GetEnvironmentVariable("TAILOR_WRITE_KEY"),
                AdminKey = Environment.GetEnvironmentVariable("TAILOR_ADMIN_KEY"),
                Smtp = result.GetValue(smtp),
                PublicUrl = Environment.GetEnvironmentVariable("TAILOR_PUBLIC_URL"),
                Caps = result.GetValue(caps),
                Profiles = ProfileLimitsEnvironment.Read(),
            };
            if (Environment.GetEnvironmentVariable("TAILOR_EMAIL_FROM") is { Length: > 0 } from) options.EmailFrom = from;
            try
            {
                (options.Definitions, options.RenderBudget) = Core.Limits.LimitSettings.Parse(result.GetValue(limits));
            }
            catch (FormatException e)
            {
                AnsiConsole.MarkupLine($"[red]--limits:[/] {Markup.Escape(e.Message)}");
                return 2;
            }
            if (SecurityFromEnvironment(options.Security) is { } problem)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(problem)}");
                return 2;
            }
            options.Security.WebhookAllow = [.. result.GetValue(webhookAllow) ?? []];
            options.Security.PersonalizeDebug = result.GetValue(personalizeDebug);
            options.Geo.Database = result.GetValue(geoip);
            options.Geo.TruncateIp = result.GetValue(truncateIp);
            if (int.TryParse(Environment.GetEnvironmentVariable("TAILOR_CAMPAIGN_RATE"), System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate >= 0)
                options.CampaignRatePerSecond = rate;
            // Seconds an event time may lie after its receive time before it is clamped (docs/ingestion.md).
            if (long.TryParse(Environment.GetEnvironmentVariable("TAILOR_FUTURE_TOLERANCE"), System.Globalization.CultureInfo.InvariantCulture, out var tolerance)
                && tolerance is >= 0 and <= 900_000_000_000)
                options.Limits = options.Limits with { FutureTolerance = TimeSpan.FromSeconds(tolerance) };
            var firstRun = options.Postgres is null && !File.Exists(Tailor.Storage.TailorStores.SqlitePath(options.DataDirectory));
            if (firstRun && options.WriteKey is null && options.AdminKey is null)
            {
                // A fresh embedded install should be usable at once: make keys and say what they are.
                options.WriteKey = Server.Admin.AccessKeys.NewKey("wk");
                options.AdminKey = Server.Admin.AccessKeys.NewKey("tk_admin");
                AnsiConsole.MarkupLine($"[green]New Tailor data directory[/] {Markup.Escape(Path.GetFullPath(options.DataDirectory))}");
                AnsiConsole.MarkupLine($"  write key (source 'default'): [bold]{options.WriteKey}[/]");
                AnsiConsole.MarkupLine($"  admin key (shown once):        [bold]{options.AdminKey}[/]");
            }

            WebApplication app;
            try
            {
                app = await TailorServer.BuildAsync(options, ct);
            }
            catch (OptionsValidationException e)
            {
                foreach (var failure in e.Failures) AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(failure)}");
                return 2;
            }
            await using (app)
            {
                if (result.GetValue(demo)) await DemoLoader.LoadAsync(app.Services, ct);
                AnsiConsole.MarkupLine($"Tailor listening on [bold]{Markup.Escape(options.Urls)}[/] (store: {(options.Postgres is null ? "SQLite" : "PostgreSQL")})");
                await app.StartAsync(ct);
                await app.WaitForShutdownAsync(ct);
                return 0;
            }
        });
        return command;
    }

    /// <summary>The security limits set by environment (docs/security.md); the problem when one does not parse.</summary>
    private static string? SecurityFromEnvironment(SecurityOptions security)
    {
        security.IdentitySecret = Environment.GetEnvironmentVariable("TAILOR_IDENTITY_SECRET") is { Length: > 0 } secret ? secret : null;
        if (Environment.GetEnvironmentVariable("TAILOR_API_MAX_BODY_BYTES") is { Length: > 0 } body)
        {
            if (!long.TryParse(body, System.Globalization.CultureInfo.InvariantCulture, out var bytes) || bytes < 1024) return "TAILOR_API_MAX_BODY_BYTES must be a whole number of bytes, at least 1024";
            security.ApiMaxBodyBytes = bytes;
        }
        if (Environment.GetEnvironmentVariable("TAILOR_API_MAX_JSON_DEPTH") is { Length: > 0 } depth)
        {
            if (!int.TryParse(depth, System.Globalization.CultureInfo.InvariantCulture, out var levels) || levels is < 4 or > 256) return "TAILOR_API_MAX_JSON_DEPTH must be a whole number from 4 to 256";
            security.ApiMaxJsonDepth = levels;
        }
        if (Environment.GetEnvironmentVariable("TAILOR_KEY_GRACE") is { Length: > 0 } grace)
        {
            if (!Server.Admin.KeyGrace.TryParse(grace, out var period)) return $"TAILOR_KEY_GRACE {Server.Admin.KeyGrace.Rule}";
            security.KeyRotationGrace = period;
        }
        return null;
    }
}
