using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Tailor.Server.Messaging;

/// <summary>
/// The plain-text alternative of an HTML email, for clients that show text and for filters that score a message
/// without one: readable paragraphs, list items as "- ", links kept as "text (url)", images by their alt text, nothing
/// of scripts, styles or the head. Parsed with AngleSharp (the HTML5 algorithm browsers use), walked without
/// recursion so no nesting depth can exhaust the stack.
/// </summary>
public static class HtmlText
{
    private static readonly HtmlParser Parser = new();

    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "head", "script", "style", "template", "noscript", "title" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "header", "li", "main", "nav", "ol", "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
    };

    /// <summary>Blocks set off by a blank line.</summary>
    private static readonly HashSet<string> Paragraphs = new(StringComparer.OrdinalIgnoreCase) { "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol" };

    public static string From(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        using var document = Parser.ParseDocument(html);
        var text = new Writer();
        // (node, leaving): a node is entered, its children walked, then left; the link text starts where it was entered.
        var stack = new Stack<(INode Node, bool Leaving, int Start)>();
        stack.Push((document.Body ?? (INode)document.DocumentElement, false, 0));
        while (stack.Count > 0)
        {
            var (node, leaving, start) = stack.Pop();
            if (node is IText t)
            {
                text.Inline(t.Data, preformatted: t.ParentElement?.Closest("pre") is not null);
                continue;
            }
            if (node is not IElement e) continue;
            var name = e.LocalName;
            if (leaving)
            {
                Leave(e, name, start, text);
                continue;
            }
            if (Skipped.Contains(name)) continue;
            switch (name)
            {
                case "br": text.Line(); continue;
                case "hr": text.Block(blank: true); text.Raw("----"); text.Block(blank: true); continue;
                case "img":
                    if (e.GetAttribute("alt") is { Length: > 0 } alt) text.Inline(alt, preformatted: false);
                    continue;
            }
            if (Paragraphs.Contains(name)) text.Block(blank: true);
            else if (Blocks.Contains(name)) text.Block(blank: false);
            if (name == "li") text.Raw(e.ParentElement?.LocalName == "ol" ? $"{Position(e)}. " : "- ");
            else if (name is "td" or "th" && e.PreviousElementSibling is not null) text.Raw(" ");
            stack.Push((e, true, text.Length));
            for (var child = e.LastChild; child is not null; child = child.PreviousSibling) stack.Push((child, false, 0));
        }
        return text.ToString();
    }

    private static void Leave(IElement e, string name, int start, Writer text)
    {
        if (name == "a" && Target(e.GetAttribute("href")) is { } url)
        {
            var label = text.Since(start).Trim();
            if (label.Length == 0) text.Inline(url, preformatted: false);
            else if (!string.Equals(label, url, StringComparison.OrdinalIgnoreCase)) text.Inline($" ({url})", preformatted: false);
        }
        if (Paragraphs.Contains(name)) text.Block(blank: true);
        else if (Blocks.Contains(name)) text.Block(blank: false);
    }

    /// <summary>The address a reader can type or click: http(s) as written, mailto as the address; anything else (javascript:, #anchors) is dropped.</summary>
    private static string? Target(string? href)
    {
        if (href is null) return null;
        href = href.Trim();
        if (href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) return href[7..].Split('?')[0];
        return href.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? href : null;
    }

    private static int Position(IElement li)
    {
        var n = 1;
        for (var s = li.PreviousElementSibling; s is not null; s = s.PreviousElementSibling)
            if (s.LocalName == "li") n++;
        return n;
    }

    /// <summary>Collapses whitespace as a browser does, and keeps at most one blank line between blocks.</summary>
    private sealed class Writer
    {
        private readonly StringBuilder _text = new();
        private int _newlines = 2; // at the start, as after a blank line: no leading blank lines

        public int Length => _text.Length;

        public string Since(int start) => _text.ToString(start, _text.Length - start);

        public void Inline(string value, bool preformatted)
        {
            foreach (var c in value)
            {
                if (preformatted)
                {
                    if (c == '\n') Line();
                    else Char(c);
                    continue;
                }
                if (char.IsWhiteSpace(c))
                {
                    if (_newlines == 0 && _text.Length > 0 && _text[^1] != ' ') _text.Append(' ');
                    continue;
                }
                Char(c);
            }
        }

        public void Raw(string value)
        {
            foreach (var c in value) Char(c);
        }

        public void Line()
        {
            TrimSpace();
            _text.Append('\n');
            _newlines++;
        }

        public void Block(bool blank)
        {
            TrimSpace();
            var wanted = blank ? 2 : 1;
            while (_newlines < wanted)
            {
                _text.Append('\n');
                _newlines++;
            }
        }

        private void Char(char c)
        {
            _text.Append(c);
            _newlines = 0;
        }

        private void TrimSpace()
        {
            while (_text.Length > 0 && _text[^1] == ' ') _text.Length--;
        }

        public override string ToString() => _text.ToString().Trim('\n', ' ') + "\n";
    }
}
