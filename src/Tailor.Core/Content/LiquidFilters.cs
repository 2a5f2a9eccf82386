using System.Collections.Frozen;
using System.Globalization;
using Fluid;
using Fluid.Values;

namespace Tailor.Core.Content;

/// <summary>
/// Filters Tailor adds to Fluid's, or changes on purpose: <c>money</c> (per locale), <c>url_escape</c> (every reserved
/// character percent-encoded), and <c>divided_by: 0</c>, which renders nothing instead of failing the template.
/// Fluid's own filters (3.x) follow Shopify's Liquid; the conformance suite holds them to it (GoldenLiquidTests).
/// </summary>
internal static class LiquidFilters
{
    /// <summary>The ambient key holding the render's ISO currency code (from the campaign or the profile's locale).</summary>
    public const string CurrencyKey = "tailor.currency";

    public static void Register(FilterCollection filters)
    {
        if (filters.TryGetValue("divided_by", out var dividedBy))
            filters.AddFilter("divided_by", (input, arguments, context) => DividedBy(dividedBy, input, arguments, context));
        filters.AddFilter("base64_url_safe_encode", Base64UrlSafeEncode);
        filters.AddFilter("money", Money);
        filters.AddFilter("url_escape", UrlEscape);
    }

    /// <summary>
    /// Liquid's division (integers floor, a float on either side gives a float: <c>10 | divided_by: 4.0</c> is 2.5), except
    /// that dividing by zero gives nil rather than a failed render: a personalised email must not fail because one number is zero.
    /// </summary>
    public static ValueTask<FluidValue> DividedBy(FilterDelegate liquid, FluidValue input, FilterArguments arguments, TemplateContext context) =>
        arguments.At(0).ToNumberValue(context) == 0 ? NilValue.Instance : liquid(input, arguments, context);

    /// <summary>URL-safe Base64 with its <c>=</c> padding kept, as Shopify's Liquid writes it (Fluid drops the padding).</summary>
    public static ValueTask<FluidValue> Base64UrlSafeEncode(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (arguments.Count > 0) throw new ArgumentException("base64_url_safe_encode takes no arguments", nameof(arguments));
        return StringValue.Create(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(input.ToStringValue(context))).Replace('+', '-').Replace('/', '_'));
    }

    /// <summary>
    /// <c>{{ 1234.5 | money }}</c> in the render's locale and currency ("$1,234.50", "1.234,50 €");
    /// <c>money: "EUR"</c> names the currency. A value that is not a number renders as given.
    /// </summary>
    public static ValueTask<FluidValue> Money(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil()) return NilValue.Instance;
        if (input.Type != FluidValues.Number
            && !decimal.TryParse(input.ToStringValue(context), NumberStyles.Number, CultureInfo.InvariantCulture, out _)) return input;
        var amount = input.ToNumberValue(context);
        var culture = context.CultureInfo;
        var code = arguments.Count > 0 ? arguments.At(0).ToStringValue(context)
            : context.AmbientValues.TryGetValue(CurrencyKey, out var c) && c is string s ? s : null;
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        if (code is { Length: 3 })
            format.CurrencySymbol = CurrencySymbols.TryGetValue(code.ToUpperInvariant(), out var symbol) ? symbol : code.ToUpperInvariant();
        return StringValue.Create(amount.ToString("C", format));
    }

    public static ValueTask<FluidValue> UrlEscape(FluidValue input, FilterArguments arguments, TemplateContext context) =>
        StringValue.Create(Uri.EscapeDataString(input.ToStringValue(context)));

    /// <summary>
    /// Builds the currency table now (it reads every culture: a second or more on a busy machine), so the first render
    /// that prints money does not spend its own time budget on it.
    /// </summary>
    public static void Prepare() => _ = CurrencySymbols.Count;

    /// <summary>ISO 4217 code → the symbol its home culture writes (USD → $, EUR → €, GBP → £).</summary>
    private static readonly FrozenDictionary<string, string> CurrencySymbols = BuildSymbols();

    private static FrozenDictionary<string, string> BuildSymbols()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            try
            {
                var region = new RegionInfo(culture.Name);
                map.TryAdd(region.ISOCurrencySymbol, region.CurrencySymbol);
            }
            catch (ArgumentException)
            {
                // A culture without a region has no currency.
            }
        }
        map["USD"] = "$";
        map["EUR"] = "€";
        map["GBP"] = "£";
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
