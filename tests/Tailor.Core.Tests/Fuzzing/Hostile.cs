using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Tailor.Core.Tests.Fuzzing;

/// <summary>
/// Generators of hostile input: JSON that nests deep, numbers beyond any type, odd escapes and lone surrogates,
/// control characters, duplicate keys, truncation; rule text and rule JSON; trigger definitions; Liquid templates.
/// </summary>
internal static class Hostile
{
    /// <summary>Cases per property: small in a plain <c>dotnet test</c>, raised by <c>scripts/test.sh</c> (TAILOR_FUZZ_CASES).</summary>
    public static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable("TAILOR_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 150;

    /// <summary>A fixed seed per run unless TAILOR_FUZZ_SEED is set, so a failure names the seed that reproduces it.</summary>
    public static Config Config => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases).WithEndSize(60);

    private static Gen<string> Repeat(string unit, params int[] counts) => Gen.Elements(counts).Select(n => string.Concat(Enumerable.Repeat(unit, n)));

    public static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.Elements("0", "-0", "1", "-1", "1.5", "1e999999", "-1e-999999", "123456789012345678901234567890123456789", "79228162514264337593543950336",
            "0.00000000000000000000000000000001", "1E+308", "true", "false", "null", "NaN", "Infinity", "1.", ".5", "01", "+1", "0x10"),
        Gen.Elements("\"\"", "\"a\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"x\\ud83d\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"\\x41\"", "\"\\\"",
            "\"\u0001\u001f\"", "\"\t\n\"", "\"\\/\\b\\f\\n\\r\\t\"", "\"\\uZZZZ\"", "\"é漢😀\"", "\"<script>\"", "\"{{ x }}\"", "\"{% for %}\"",
            "\"9999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"", "\"+275760-09-13T00:00:00Z\"", "\"2025-02-30T00:00:00Z\"", "\"not a date\"",
            "\"30d\"", "\"0m\"", "\"-1h\"", "\"99999999999999d\"", "\"25:00\"", "\"00:00\"", "\"*\"", "\"next\"", "\"exit\"", "\"Europe/Nowhere\""),
        Gen.Choose(1, 40_000).Select(n => "\"" + new string('x', n) + "\""),
        Repeat("[", 65, 1000, 100_000).Select(open => open + new string(']', open.Length)),
        Repeat("{\"a\":", 65, 3000).Select(open => open + "1" + new string('}', open.Length / 5)));

    /// <summary>JSON (or almost JSON) built from the given keys, nesting with FsCheck's size.</summary>
    public static Gen<string> Json(string[] keys) => Gen.Sized(size => Value(keys, Math.Min(size, 30)));

    private static Gen<string> Value(string[] keys, int size) => size <= 1
        ? Scalar
        : Gen.Frequency(
            (3, Scalar),
            (3, from n in Gen.Choose(0, 5)
                from fields in Gen.ListOf(from k in Key(keys) from v in Value(keys, size / 2) select $"{k}:{v}", n)
                from duplicate in Gen.Elements(false, false, true)
                select "{" + string.Join(",", duplicate && fields.Count > 0 ? [.. fields, fields[0]] : fields) + "}"),
            (1, from n in Gen.Choose(0, 4) from items in Gen.ListOf(Value(keys, size / 2), n) select "[" + string.Join(",", items) + "]"),
            (1, from v in Value(keys, size / 2) from cut in Gen.Choose(0, 100) select v[..(v.Length * cut / 100)])); // truncated

    private static Gen<string> Key(string[] keys) => Gen.Frequency(
        (8, Gen.Elements(keys).Select(k => "\"" + k + "\"")),
        (1, Gen.Elements("\"\"", "\"\\ud800\"", "\"a\\u0000b\"", "\"__proto__\"", "\"$type\"")));

    public static readonly string[] MessageKeys =
    [
        "type", "event", "userId", "anonymousId", "messageId", "timestamp", "sentAt", "originalTimestamp", "receivedAt", "properties",
        "traits", "context", "integrations", "groupId", "previousId", "name", "category", "email", "consent", "revenue", "locale", "timezone",
    ];

    public static readonly string[] RuleKeys =
    [
        "and", "or", "not", "trait", "op", "value", "values", "computed", "top", "performed", "where", "measure", "window", "last", "since",
        "inSession", "forSome", "rule", "inSegment", "consent", "tag", "aggregate", "property",
    ];

    public static readonly string[] TriggerKeys =
    [
        "name", "start", "event", "if", "segment", "on", "schedule", "steps", "wait", "until", "onEvent", "onTimeout", "id", "then", "else",
        "action", "email", "to", "from", "subject", "body", "template", "webhook", "url", "profile", "exit", "goal", "reentry", "caps",
        "quietHours", "max", "per", "channel", "timezone", "set", "tags", "add", "remove", "after", "allowed",
    ];

    /// <summary>A message whose fields are hostile, as the tracking API could receive it.</summary>
    public static readonly Gen<string> Message =
        from type in Gen.Elements("\"track\"", "\"identify\"", "\"page\"", "\"screen\"", "\"group\"", "\"alias\"", "\"bogus\"", "null", "1")
        from fields in Gen.ListOf(from k in Gen.Elements(MessageKeys) from v in Json(MessageKeys) select $"\"{k}\":{v}", 4)
        select "{\"type\":" + type + ",\"userId\":\"u1\"," + string.Join(",", fields) + "}";

    private static readonly string[] RuleTokens =
    [
        "trait", "computed", "performed", "for", "some", "in", "segment", "has", "consent", "tag", "not", "and", "or", "(", ")", "[", "]", ",",
        ":", "=", "==", "!=", ">=", "<=", "<", ">", "with", "at", "least", "most", "more", "fewer", "than", "exactly", "times", "last", "30",
        "days", "minutes", "weeks", "between", "exists", "contains", "starts", "top", "percent", "sum", "min", "max", "distinct", "of", "within",
        "one", "session", "since", "true", "false", "plan", "email", "eventCount", "totalRevenue", "\"Order Completed\"", "\"\\ud800\"",
        "\"a\\\"b\"", "\"unterminated", "1e30", "79228162514264337593543950336", "-0", "0.5", "-1", "99999999999999999999", "\u0000", "\n", "é",
        "\"\"", "''", "#", "\\",
    ];

    /// <summary>Rule text from the language's own words in random order, sometimes behind thousands of 'not' or '('.</summary>
    public static readonly Gen<string> RuleText =
        from prefix in Gen.Frequency((6, Gen.Constant("")), (1, Repeat("not ", 10, 30, 5000)), (1, Repeat("(", 10, 30, 5000)))
        from n in Gen.Choose(0, 40)
        from tokens in Gen.ListOf(Gen.Elements(RuleTokens), n)
        select prefix + string.Join(" ", tokens);

    private static readonly string[] LiquidPieces =
    [
        "{{ a }}", "{{ profile.n }}", "{{ profile.name }}", "{{ profile.doc }}", "{% for i in (1..100000000) %}", "{% for i in (1..profile.n) %}",
        "{% for i in (profile.n..1) %}", "{% for i in (1..3) %}", "{% endfor %}", "{% if a %}", "{% elsif b %}", "{% else %}", "{% endif %}",
        "{% assign x = 'y' %}", "{% assign s = s | append: s %}", "{{ 'x' | append: x }}", "{% capture c %}", "{% endcapture %}",
        "{{ 1 | divided_by: 0 }}", "{{ 'é' | upcase }}", "{% block 'b' %}", "{% block 'self' %}", "{% raw %}", "{% endraw %}", "{{", "}}", "{%",
        "%}", "{{ x | date: '%Y' }}", "{% case a %}", "{% when 1 %}", "{% endcase %}", "{{ (1..5) | join: ',' }}", "\ud800", "{% cycle 'a','b' %}",
        "{% liquid assign a = 1 %}", "{% increment c %}", "{{ a[0][1] }}", "{% tablerow i in (1..1000000) %}", "{% endtablerow %}",
        "{{ 'x' | truncate: 1000000000 }}", "{{ profile.n | times: 1e300 }}", "{{ a | default: }}", "{% unless %}", "{% comment %}",
        "{% endcomment %}", "{{ recommendations | first | map: 'name' }}", "text ", "<b>", "&", "{{ 'a' | money }}", "{{ now | date: '%c' }}",
        "{% break %}", "{% continue %}", "{% for i in a limit: -1 offset: 99999999999 %}",
    ];

    /// <summary>Templates stitched from Liquid pieces (balanced or not), sometimes nested thousands deep.</summary>
    public static readonly Gen<string> Template =
        from prefix in Gen.Frequency((6, Gen.Constant("")), (1, Repeat("{% if a %}", 10, 40, 3000)), (1, Repeat("{{ a", 1)), (1, Repeat("(", 40, 3000)))
        from n in Gen.Choose(0, 30)
        from pieces in Gen.ListOf(Gen.Elements(LiquidPieces), n)
        select prefix + string.Concat(pieces);
}
