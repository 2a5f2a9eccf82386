using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
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
        // Flags have no defaults of their own: an unset flag leaves the key to the environment, appsettings.json or the
        // option's default (TailorConfiguration: flags > environment > file > defaults; docs/configuration.md).
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on (Tailor:Urls; default http://127.0.0.1:5080)" };
        var smtp = new Option<string?>("--smtp") { Description = "SMTP server for outgoing email, host:port (Tailor:Smtp, env TAILOR_SMTP)" };
        var caps = new Option<string?>("--caps")
        {
            Description = "Global frequency caps per channel across triggers, e.g. email:3/1d,webhook:20/1h (Tailor:Caps, env TAILOR_CAPS)",
        };
        var limits = new Option<string?>("--limits")
        {
            Description = "Limits on rules, triggers, templates and renders, e.g. MaxRuleDepth=32,MaxDuration=5000 (Tailor:Definitions:*, Tailor:RenderBudget:*, env TAILOR_LIMITS; docs/rules.md)",
        };
        var demo = new Option<bool>("--demo") { Description = "Load the Online Retail demo data set (once) so there is something to look at" };
        var webhookAllow = new Option<string[]>("--webhook-allow")
        {
            Description = "A CIDR range (or address) webhooks may reach although it is loopback, private or special, e.g. 10.1.0.0/16; repeatable (Tailor:Security:WebhookAllow, env TAILOR_WEBHOOK_ALLOW, comma-separated)",
            AllowMultipleArgumentsPerToken = false,
        };
        var personalizeDebug = new Option<bool>("--personalize-debug")
        {
            Description = "Say in /v1/personalize answers why a variant was chosen (names rules and traits: never on a public site; Tailor:Security:PersonalizeDebug, env TAILOR_PERSONALIZE_DEBUG=true)",
        };
        var geoip = new Option<string?>("--geoip")
        {
            Description = "A MaxMind-format database (FILE.mmdb) to resolve context.ip and visitors' addresses to country, region and city (Tailor:Geo:Database, env TAILOR_GEOIP; docs/browser.md)",
        };
        var truncateIp = new Option<bool>("--truncate-ip")
        {
            Description = "Store context.ip truncated to its /24 (IPv4) or /48 (IPv6) after the geo lookup (Tailor:Geo:TruncateIp, env TAILOR_TRUNCATE_IP=true)",
        };
        var rabbitmq = new Option<string?>("--rabbitmq")
        {
            Description = "RabbitMQ between the nodes of a cluster on one PostgreSQL, as amqp://user:password@host:5672/%2F (Tailor:Cluster:RabbitMq, env TAILOR_RABBITMQ; docs/scale.md)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_RABBITMQ"),
        };
        var foldPartitions = new Option<int?>("--fold-partitions")
        {
            Description = "Split the profile fold by profile key into this many partitions, over the cores and the nodes; fixed for the life of the data once split (Tailor:FoldPartitions; default: as the store is; docs/scale.md)",
        };
        var command = new Command("serve", "Run Tailor: the tracking API, the read API and the profile pipeline. Any setting as --Tailor:Section:Key=value (docs/configuration.md)")
        {
            urls, smtp, caps, limits, demo, webhookAllow, personalizeDebug, geoip, truncateIp, rabbitmq, foldPartitions,
        };
        command.TreatUnmatchedTokensAsErrors = false; // --Tailor:Key=value, read by the configuration's command-line provider
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var unknown = result.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-') && !t.StartsWith("--Tailor:", StringComparison.OrdinalIgnoreCase));
            if (unknown is not null)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] unknown option {Markup.Escape(unknown)} (settings are --Tailor:Section:Key=value; docs/configuration.md)");
                return 2;
            }
            var flags = new List<KeyValuePair<string, string?>>();
            void Flag<T>(Option<T> option, string key, Func<T, string?> text)
            {
                if (result.GetResult(option) is { Implicit: false } && result.GetValue(option) is { } value) flags.Add(new(key, text(value)));
            }
            Flag(store.Data, nameof(TailorServerOptions.DataDirectory), v => v);
            Flag(store.Postgres, nameof(TailorServerOptions.Postgres), v => v);
            Flag(urls, nameof(TailorServerOptions.Urls), v => v);
            Flag(smtp, nameof(TailorServerOptions.Smtp), v => v);
            Flag(caps, nameof(TailorServerOptions.Caps), v => v);
            if (result.GetValue(personalizeDebug)) flags.Add(new("Security:PersonalizeDebug", "true"));
            Flag(geoip, "Geo:Database", v => v);
            if (result.GetValue(rabbitmq) is { Length: > 0 } broker) flags.Add(new("Cluster:RabbitMq", broker));
            if (result.GetValue(truncateIp)) flags.Add(new("Geo:TruncateIp", "true"));
            Flag(foldPartitions, nameof(TailorServerOptions.FoldPartitions), v => v?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var allow = result.GetValue(webhookAllow) ?? [];
            for (var i = 0; i < allow.Length; i++) flags.Add(new($"Security:WebhookAllow:{i}", allow[i]));

            IConfigurationRoot configuration;
            var options = new TailorServerOptions { Profiles = ProfileLimitsEnvironment.Read() }; // TAILOR_IGNORED_IDS replaces the default list
            try
            {
                if (result.GetValue(limits) is { Length: > 0 } given) flags.AddRange(TailorConfiguration.LimitKeys(given).Select(k => new KeyValuePair<string, string?>(k.Key["Tailor:".Length..], k.Value)));
                configuration = TailorConfiguration.Build(Environment.GetEnvironmentVariables(), flags, result.UnmatchedTokens);
                configuration.GetSection(TailorServerOptions.Section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or InvalidDataException)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e is InvalidOperationException invalid ? TailorOptionsWiring.Describe(invalid) : e.Message)}");
                return 2;
            }
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
                app = await TailorServer.BuildAsync(options, configuration, ct);
            }
            catch (OptionsValidationException e)
            {
                foreach (var failure in e.Failures) AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(failure)}");
                return 2;
            }
            await using (app)
            {
                if (result.GetValue(demo)) await DemoLoader.LoadAsync(app.Services, ct);
                AnsiConsole.MarkupLine($"Tailor listening on [bold]{Markup.Escape(options.Urls)}[/] (store: {(options.Postgres is null ? "SQLite" : "PostgreSQL")}{(options.Cluster.Enabled ? ", cluster through RabbitMQ" : "")})");
                await app.StartAsync(ct);
                await app.WaitForShutdownAsync(ct);
                return 0;
            }
        });
        return command;
    }
}
