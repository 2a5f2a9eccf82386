using System.Text;
using System.Text.Json;
using Tailor.Core.Events;

namespace Tailor.Core.Tests.Events;

public sealed class TextRulesTests
{
    private static ValidationError? Check(string json) => TextRules.Check(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"userId":"u1","traits":{"name":"Zoë 👋","bio":"a\tb\nc\r\n"}}""")]
    [InlineData("""{"userId":"u1","properties":{"emoji":"\ud83d\udc4b","del":"\u007f","c1":"\u0085"}}""")]
    [InlineData("""{"userId":"u1","properties":{"list":[1,"two",{"three":[true,null]}]}}""")]
    public void Valid_text_breaks_no_rule(string json) => Assert.Null(Check(json));

    [Theory]
    [InlineData("""{"userId":"u1","traits":{"nick":"\ud800"}}""", "traits.nick")]
    [InlineData("""{"userId":"u1","traits":{"nick":"x\udc00"}}""", "traits.nick")]
    [InlineData("""{"userId":"u1","traits":{"nick":"\ud800\u0041"}}""", "traits.nick")]
    [InlineData("""{"userId":"\ud800"}""", "userId")]
    [InlineData("""{"userId":"u1","properties":{"items":[{"sku":"a"},{"sku":"\udfff"}]}}""", "properties.items[1].sku")]
    public void Lone_surrogate_escape_is_refused_naming_the_path(string json, string field)
    {
        var error = Check(json);

        Assert.Equal((field, TextRules.LoneSurrogate), (error?.Field, error?.Rule));
    }

    [Fact]
    public void Lone_surrogate_in_a_key_is_refused()
    {
        var error = Check("""{"userId":"u1","traits":{"\ud800":"x"}}""");

        Assert.Equal(TextRules.LoneSurrogate, error?.Rule);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a surrogate encoded as UTF-8 (CESU-8) is not UTF-8
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void Invalid_UTF8_is_refused(byte[] bad)
    {
        byte[] json = [.. "{\"userId\":\"u1\",\"traits\":{\"name\":\"a"u8.ToArray(), .. bad, .. "\"}}"u8.ToArray()];

        var error = TextRules.Check(json, index: 3);

        Assert.Equal(("traits.name", TextRules.InvalidUtf8, 3), (error?.Field, error?.Rule, error?.Index));
    }

    [Theory]
    [InlineData("""{"userId":"u\u0000"}""", "userId")]
    [InlineData("""{"anonymousId":"a\tb"}""", "anonymousId")]
    [InlineData("""{"event":"Order\nCompleted"}""", "event")]
    [InlineData("""{"messageId":"m\u007f"}""", "messageId")]
    [InlineData("""{"name":"Home\u0085"}""", "name")]
    public void Control_characters_in_names_and_identifiers_are_refused(string json, string field)
    {
        var error = Check(json);

        Assert.Equal((field, TextRules.ControlInName), (error?.Field, error?.Rule));
    }

    [Fact]
    public void Control_characters_in_keys_are_refused_at_any_depth()
    {
        var error = Check("""{"userId":"u1","context":{"traits":{"a\tb":1}}}""");

        Assert.Equal(("context.traits.a\\tb", TextRules.ControlInKey), (error?.Field, error?.Rule));
    }

    [Theory]
    [InlineData("""{"userId":"u1","traits":{"bio":"a\u0000b"}}""")]
    [InlineData("""{"userId":"u1","traits":{"bio":"a\bb"}}""")]
    [InlineData("""{"userId":"u1","traits":{"bio":"a\u001bb"}}""")]
    public void Control_characters_other_than_tab_and_newlines_are_refused_in_free_text(string json) =>
        Assert.Equal(TextRules.ControlInText, Check(json)?.Rule);

    [Fact]
    public void Raw_C1_and_DEL_are_refused_in_identifiers_but_kept_in_free_text()
    {
        byte[] c1InUserId = [.. "{\"userId\":\"u"u8.ToArray(), 0xC2, 0x85, .. "\"}"u8.ToArray()];
        byte[] delInEvent = [.. "{\"event\":\"a"u8.ToArray(), 0x7F, .. "\"}"u8.ToArray()];
        byte[] c1InText = [.. "{\"userId\":\"Zoë\",\"traits\":{\"bio\":\"x"u8.ToArray(), 0xC2, 0x85, 0x7F, .. "\"}}"u8.ToArray()];

        Assert.Equal(("userId", TextRules.ControlInName), (TextRules.Check(c1InUserId)?.Field, TextRules.Check(c1InUserId)?.Rule));
        Assert.Equal("event", TextRules.Check(delInEvent)?.Field);
        Assert.Null(TextRules.Check(c1InText));
    }

    [Fact]
    public void A_nested_name_field_is_free_text()
    {
        Assert.Null(Check("""{"userId":"u1","properties":{"event":"a\nb","name":"c\td"}}"""));
    }

    [Fact]
    public void Parser_refuses_a_lone_surrogate_before_reading_the_field()
    {
        var parser = new MessageParser(IngestionLimits.Default, () => "id");
        using var document = JsonDocument.Parse("""{"type":"identify","userId":"u1","traits":{"nick":"\ud800"}}""");

        var result = parser.Parse(document.RootElement, null, new MessageParser.Arrival("src", DateTimeOffset.UnixEpoch), 0);

        Assert.Null(result.Event);
        Assert.Equal("traits.nick", result.Error?.Field);
    }
}
