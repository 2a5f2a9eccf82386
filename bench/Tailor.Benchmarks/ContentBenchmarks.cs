using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tailor.Core.Content;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Text;

namespace Tailor.Benchmarks;

/// <summary>
/// Rendering a personalised campaign email (render only: no I/O): a ~2 KB layout reading traits, computed traits,
/// the primary segment's values, six recommendations in a loop, money and date filters, and a block with three
/// rule-chosen variants. One profile of 1,000 per call, so nothing is cached between renders. <see cref="Budget"/>
/// compares the default render budget with <see cref="RenderBudget.Unlimited"/> (no step, range, output or time
/// limit: what the budget's checks cost; ranges are still measured and output still counted, with nothing to stop).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ContentBenchmarks
{
    private const string Email = """
        <html><body>
        <h1>Hi {{ profile.first_name | default: "there" | capitalize }},</h1>
        <p>You have ordered {{ profile.computed.orderCount }} times ({{ profile.computed.totalRevenue | money }} in total).
        {% if segments contains 'High-Value Customer' %}As one of our best customers you get {{ user.segment.discount }}% off.{% endif %}</p>
        {% block "offer" %}
        <h2>Popular right now</h2><ul>
        {% for p in recommendations limit: 6 %}<li><a href="{{ p.url }}">{{ p.name }}</a> {{ p.price | money }}</li>{% endfor %}
        </ul>
        <p>Sent {{ context.now | date: "%-d %B %Y" }} to {{ profile.email }} in {{ context.geo.city | default: "your city" }}.</p>
        <p><a href="{{ campaign.unsubscribe_url }}">Unsubscribe</a></p>
        </body></html>
        """;

    [Params(true, false)]
    public bool Budget { get; set; }

    private LiquidEngine _engine = null!;
    private ParsedTemplate _template = null!;
    private RenderSettings _settings = null!;
    private RenderScope[] _scopes = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _engine = Budget ? new LiquidEngine() : new LiquidEngine(RenderBudget.Unlimited);
        _template = _engine.Parse(Email);
        var block = _engine.CompileBlock(new ContentBlock("offer",
            [
                new BlockVariant("vip", RuleParser.Parse("in segment \"High-Value Customer\""), BlockContent.Of("<img src=\"/vip.jpg\"> {{ user.segment.discount }}% off everything")),
                new BlockVariant("buyer", RuleParser.Parse("computed orderCount >= 3"), BlockContent.Of("Thanks for your {{ profile.computed.orderCount }} orders")),
                new BlockVariant("new", RuleParser.Parse("computed orderCount = 0"), BlockContent.Of("10% off your first order")),
            ], BlockContent.Of("Spring sale"), null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        _settings = new RenderSettings(Blocks: new BlockLibrary([block]));
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var recommendations = Enumerable.Range(0, 8).Select(i => new RecommendedItem($"sku-{i}", $"Product {i}", 19.99m + i, $"https://shop.example/p/{i}", null, 100 - i, 50)).ToArray();
        var vip = new SegmentValues("High-Value Customer", 10, new Dictionary<string, JsonElement> { ["discount"] = JsonSerializer.SerializeToElement(20) }, now);
        string[] cities = ["Berlin", "Lyon", "Austin", "Leeds"];
        string[] locales = ["en-US", "de-DE", "fr-FR", "en-GB"];
        _scopes = [.. Enumerable.Range(0, 1000).Select(i =>
        {
            var profile = new Profile { Id = $"prf_{i:D6}", CreatedAt = now };
            void Trait(string name, object value) => profile.Traits[name] = new TraitValue(JsonSerializer.SerializeToElement(value), now);
            Trait("first_name", $"name{i}");
            Trait("email", $"user{i}@example.test");
            Trait("city", cities[i % 4]);
            Trait("locale", locales[i % 4]);
            Trait("plan", i % 3 == 0 ? "pro" : "free");
            profile.Computed.OrderCount = i % 7;
            profile.Computed.TotalRevenue = (i % 7) * 42.5m;
            var segments = new HashSet<string>(StringComparer.Ordinal) { "Newsletter" };
            if (i % 5 == 0) segments.Add("High-Value Customer");
            return new RenderScope
            {
                Facts = new ProfileFacts(profile, [], segments, NoPopulationStats.Instance),
                PrimarySegment = segments.Contains("High-Value Customer") ? vip : null,
                Recommendations = recommendations,
                Campaign = new Dictionary<string, object?> { ["unsubscribe_url"] = "https://t.example/e/u/token" },
                Now = now,
            };
        })];
        // The benchmark measures real output: check once that the email renders what it should.
        var first = _engine.RenderAsync(_template, _scopes[0], _settings, CancellationToken.None).AsTask().GetAwaiter().GetResult().Output;
        foreach (var expected in new[] { "Hi Name0,", "20% off everything", "Product 5", "$19.99", "1 March 2025", "Berlin" })
            if (!first.Contains(expected, StringComparison.Ordinal)) throw new InvalidOperationException($"the benchmark email lacks '{expected}':\n{first}");
    }

    [Benchmark(Description = "render one personalised email")]
    public async Task<int> RenderEmail()
    {
        var scope = _scopes[_next++ % _scopes.Length];
        var result = await _engine.RenderAsync(_template, scope, _settings, CancellationToken.None);
        return result.Output.Length;
    }
}
