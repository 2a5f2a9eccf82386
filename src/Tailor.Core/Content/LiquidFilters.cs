using System.Collections.Frozen;
using System.Globalization;
using Fluid;
using Fluid.Values;

namespace Tailor.Core.Content;

/// <summary>
/// Filters Tailor adds to Fluid's, or replaces where Fluid differs from Shopify's Liquid in a way that shows in
/// personalised content (see the conformance suite's README): <c>default</c>, <c>capitalize</c>, <c>divided_by</c>,
/// <c>round</c>, <c>join</c>, <c>size</c>, plus <c>money</c> (per locale) and <c>url_escape</c>.
/// </summary>
internal static class LiquidFilters
{
    /// <summary>The ambient key holding the render's ISO currency code (from the campaign or the profile's locale).</summary>
    public const string CurrencyKey = "tailor.currency";

    public static void Register(FilterCollection filters)
    {
        filters.AddFilter("default", Default);
        filters.AddFilter("capitalize", Capitalize);
        filters.AddFilter("divided_by", DividedBy);
        filters.AddFilter("round", Round);
        filters.AddFilter("join", Join);
        if (filters.TryGetValue("size", out var size))
            filters.AddFilter("size", (input, arguments, context) => input.IsNil() ? NumberValue.Zero : size(input, arguments, context));
        filters.AddFilter("money", Money);
        filters.AddFilter("url_escape", UrlEscape);
    }

    /// <summary>
    /// Liquid's rule: the fallback replaces nil, false, an empty string and an empty array; any other value (an
    /// object included: <c>user.segment | default: x</c>) is kept. <c>allow_false: true</c> keeps false too.
    /// </summary>
    public static ValueTask<FluidValue> Default(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var allowFalse = arguments["allow_false"].ToBooleanValue();
        var empty = input.IsNil()
            || input.Type == FluidValues.Empty || input.Type == FluidValues.Blank
            || (input.Type == FluidValues.Boolean && !input.ToBooleanValue() && !allowFalse)
            || (input.Type == FluidValues.String && input.ToStringValue().Length == 0)
            || (input is ArrayValue array && array.Values.Count == 0)
            || (input.Type == FluidValues.Dictionary && !input.Enumerate(context).Any());
        return empty ? arguments.At(0) : input;
    }

    /// <summary>First character upper-case, the rest lower-case (<c>JOHN</c> → <c>John</c>), as in Shopify's Liquid.</summary>
    public static ValueTask<FluidValue> Capitalize(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var s = input.ToStringValue();
        if (s.Length == 0) return StringValue.Empty;
        return new StringValue(string.Concat(char.ToUpper(s[0], context.CultureInfo).ToString(), s[1..].ToLower(context.CultureInfo)));
    }

    /// <summary>Half away from zero, as Liquid (Fluid rounds half to even); negative digits round to tens, hundreds.</summary>
    public static ValueTask<FluidValue> Round(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var value = input.ToNumberValue();
        var digits = arguments.Count > 0 ? (int)arguments.At(0).ToNumberValue() : 0;
        if (digits >= 0) return NumberValue.Create(decimal.Round(value, Math.Min(digits, 28), MidpointRounding.AwayFromZero));
        var unit = (decimal)Math.Pow(10, Math.Min(-digits, 28));
        return NumberValue.Create(decimal.Round(value / unit, 0, MidpointRounding.AwayFromZero) * unit);
    }

    /// <summary>Without an argument the separator is a space, as in Liquid (Fluid used none).</summary>
    public static ValueTask<FluidValue> Join(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.Type != FluidValues.Array) return input;
        var separator = arguments.Count > 0 ? arguments.At(0).ToStringValue() : " ";
        return new StringValue(string.Join(separator, input.Enumerate(context).Select(v => v.ToStringValue())));
    }

    /// <summary>Integer division only when both sides are integers (<c>250.5 | divided_by: 100</c> is 2.505); by zero gives nil, not a failed render.</summary>
    public static ValueTask<FluidValue> DividedBy(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var divisor = arguments.At(0).ToNumberValue();
        if (divisor == 0) return NilValue.Instance;
        var dividend = input.ToNumberValue();
        // A decimal keeps its written scale: 100 is an integer, 100.0 is not (as in Liquid, where 100.0 is a float).
        var integers = dividend.Scale == 0 && divisor.Scale == 0;
        return NumberValue.Create(integers ? decimal.Floor(dividend / divisor) : dividend / divisor);
    }

    /// <summary>
    /// <c>{{ 1234.5 | money }}</c> in the render's locale and currency ("$1,234.50", "1.234,50 €");
    /// <c>money: "EUR"</c> names the currency. A value that is not a number renders as given.
    /// </summary>
    public static ValueTask<FluidValue> Money(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil()) return NilValue.Instance;
        if (input.Type != FluidValues.Number
            && !decimal.TryParse(input.ToStringValue(), NumberStyles.Number, CultureInfo.InvariantCulture, out _)) return input;
        var amount = input.ToNumberValue();
        var culture = context.CultureInfo;
        var code = arguments.Count > 0 ? arguments.At(0).ToStringValue()
            : context.AmbientValues.TryGetValue(CurrencyKey, out var c) && c is string s ? s : null;
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        if (code is { Length: 3 })
            format.CurrencySymbol = CurrencySymbols.TryGetValue(code.ToUpperInvariant(), out var symbol) ? symbol : code.ToUpperInvariant();
        return new StringValue(amount.ToString("C", format));
    }

    public static ValueTask<FluidValue> UrlEscape(FluidValue input, FilterArguments arguments, TemplateContext context) =>
        new StringValue(Uri.EscapeDataString(input.ToStringValue()));

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
