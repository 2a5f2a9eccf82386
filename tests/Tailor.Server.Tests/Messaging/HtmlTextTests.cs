using Tailor.Server.Messaging;

namespace Tailor.Server.Tests.Messaging;

/// <summary>The text alternative derived from an email's HTML: what a reader of the text part sees.</summary>
public sealed class HtmlTextTests
{
    [Fact]
    public void Blocks_lists_links_and_entities_read_as_text()
    {
        var text = HtmlText.From("""
            <div><h2>Your order</h2><ol><li>Shoes &amp; socks</li><li>Hat</li></ol>
            <table><tr><td>Total</td><td>$12.00</td></tr></table>
            Line one<br>Line two<hr><a href="mailto:help@shop.example?subject=x">Write to us</a>
            <a href="javascript:alert(1)">not a link</a> <a href="https://shop.example/a"><img src="x.png" alt="Logo"></a>
            <pre>  kept
              as is</pre></div>
            """);
        Assert.Equal("""
            Your order

            1. Shoes & socks
            2. Hat

            Total $12.00

            Line one
            Line two

            ----

            Write to us (help@shop.example) not a link Logo (https://shop.example/a)
              kept
              as is

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Deep_nesting_does_not_exhaust_the_stack()
    {
        var html = string.Concat(Enumerable.Repeat("<div><span>", 20_000)) + "deep" + string.Concat(Enumerable.Repeat("</span></div>", 20_000));
        Assert.Equal("deep\n", HtmlText.From(html));
    }
}
