using System.Globalization;
using System.Text;

namespace Tailor.Core.Segments.Text;

internal enum TokenKind
{
    Word,
    String,
    Number,
    Symbol,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    public decimal Number => decimal.Parse(Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    public bool IsWord(string word) => Kind == TokenKind.Word && Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the rule",
        TokenKind.String => $"the string \"{Text}\"",
        _ => $"'{Text}'",
    };
}

/// <summary>Splits rule text into words, strings, numbers and symbols, remembering line and column.</summary>
internal static class RuleLexer
{
    private static readonly string[] Symbols = ["==", "!=", "<=", ">=", "<", ">", "=", "(", ")", "[", "]", ",", ":"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0, line = 1, lineStart = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                if (text[i] == '\n') { line++; lineStart = i + 1; }
                i++;
            }
            var column = i - lineStart + 1;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", line, column));
                return tokens;
            }
            var c = text[i];
            if (c == '#')
            {
                while (i < text.Length && text[i] != '\n') i++; // comment to end of line
                continue;
            }
            if (c == '"')
            {
                tokens.Add(new Token(TokenKind.String, ReadString(text, ref i, line, column), line, column));
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                // -?digits(.digits)?: "1.2.3" is the number 1.2 followed by an unexpected ".3", not a crash.
                var start = i++;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                var number = text[start..i];
                if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
                    throw new RuleSyntaxException(line, column, "a number of at most 28 digits", $"'{number}'");
                tokens.Add(new Token(TokenKind.Number, number, line, column));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-')) i++;
                tokens.Add(new Token(TokenKind.Word, text[start..i], line, column));
                continue;
            }
            var symbol = Array.Find(Symbols, s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                ?? throw new RuleSyntaxException(line, column, "a word, a \"string\", a number or one of = != < <= > >= ( ) [ ] , :", $"'{c}'");
            tokens.Add(new Token(TokenKind.Symbol, symbol, line, column));
            i += symbol.Length;
        }
    }

    private static string ReadString(string text, ref int i, int line, int column)
    {
        var builder = new StringBuilder();
        i++; // opening quote
        while (i < text.Length)
        {
            var c = text[i++];
            if (c == '"') return builder.ToString();
            if (c == '\\' && i < text.Length)
            {
                var escaped = text[i++];
                builder.Append(escaped switch { 'n' => '\n', 't' => '\t', _ => escaped });
                continue;
            }
            if (c == '\n') break;
            builder.Append(c);
        }
        throw new RuleSyntaxException(line, column, "a closing '\"' on the same line", "an unterminated string");
    }
}
