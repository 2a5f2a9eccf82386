using Tailor.Core.Limits;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Segments.Text;

/// <summary>
/// Parses the text form of a rule (grammar in docs/rules.md). Keywords are case-insensitive; <c>and</c> binds tighter
/// than <c>or</c>; a syntax error names the line, column, what was expected and what was found. A rule longer,
/// deeper or larger than <see cref="DefinitionLimits"/> allows is refused the same way, before it is fully read, so
/// the recursive descent can never go deeper than the depth limit.
/// </summary>
public static class RuleParser
{
    /// <exception cref="RuleSyntaxException">The text does not parse or breaks a limit.</exception>
    public static Rule Parse(string text, DefinitionLimits? limits = null)
    {
        limits ??= DefinitionLimits.Default;
        if (text.Length > limits.MaxRuleTextLength)
            throw new RuleSyntaxException(1, 1, RuleLimitCheck.TextMessage(limits), $"{text.Length} characters");
        var state = new State(RuleLexer.Tokenize(text), limits);
        var rule = state.ParseOr();
        if (state.Current.Kind != TokenKind.End) state.Fail("'and', 'or' or the end of the rule");
        var (depth, nodes) = RuleLimitCheck.Measure(rule, limits);
        if (depth > limits.MaxRuleDepth) throw new RuleSyntaxException(1, 1, RuleLimitCheck.DepthMessage(limits), "a deeper rule");
        if (nodes > limits.MaxRuleNodes) throw new RuleSyntaxException(1, 1, RuleLimitCheck.NodesMessage(limits), "more conditions");
        return rule;
    }

    private sealed class State(List<Token> tokens, DefinitionLimits limits)
    {
        private int _position;
        private int _nesting;

        /// <summary>Enters '(', 'not' or 'for some': refuses to nest past the depth limit, which bounds the recursion.</summary>
        private void Enter()
        {
            if (++_nesting > limits.MaxRuleDepth) Fail(RuleLimitCheck.DepthMessage(limits));
        }

        public Token Current => tokens[_position];

        private Token Next() => tokens[_position++];

        private Token Peek(int ahead = 1) => tokens[Math.Min(_position + ahead, tokens.Count - 1)];

        public Exception Fail(string expected) => FailAt(Current, expected);

        /// <summary>An error at an earlier token (a value checked after it was read), so the column points at it.</summary>
        private static Exception FailAt(Token token, string expected) =>
            throw new RuleSyntaxException(token.Line, token.Column, expected, token.Describe());

        private bool AcceptWord(string word)
        {
            if (!Current.IsWord(word)) return false;
            _position++;
            return true;
        }

        private void ExpectWord(string word)
        {
            if (!AcceptWord(word)) Fail($"'{word}'");
        }

        private bool AcceptSymbol(string symbol)
        {
            if (!Current.IsSymbol(symbol)) return false;
            _position++;
            return true;
        }

        private void ExpectSymbol(string symbol)
        {
            if (!AcceptSymbol(symbol)) Fail($"'{symbol}'");
        }

        public Rule ParseOr()
        {
            var first = ParseAnd();
            if (!Current.IsWord("or")) return first;
            var items = new List<Rule> { first };
            while (AcceptWord("or")) items.Add(ParseAnd());
            return new AnyOf(new ValueList<Rule>(items));
        }

        private Rule ParseAnd()
        {
            var first = ParseUnary();
            if (!Current.IsWord("and")) return first;
            var items = new List<Rule> { first };
            while (AcceptWord("and")) items.Add(ParseUnary());
            return new AllOf(new ValueList<Rule>(items));
        }

        private Rule ParseUnary()
        {
            if (!AcceptWord("not")) return ParsePrimary();
            Enter();
            var inner = ParseUnary();
            _nesting--;
            return new Not(inner);
        }

        private Rule ParsePrimary()
        {
            if (Current.IsSymbol("("))
            {
                var open = Next();
                Enter();
                var inner = ParseOr();
                if (!AcceptSymbol(")")) Fail($"'and', 'or' or ')' to close the '(' at line {open.Line}, column {open.Column}");
                _nesting--;
                return inner;
            }
            if (AcceptWord("trait")) return new TraitIs(ParsePath("a trait name"), ParseComparison());
            if (AcceptWord("computed"))
            {
                var nameToken = Current;
                var name = ParsePath("a computed trait name");
                if (!ComputedValues.IsKnown(name)) FailAt(nameToken, $"a computed trait: {string.Join(", ", ComputedValues.Names)}");
                if (Current.IsWord("in") && Peek().IsWord("top"))
                {
                    _position += 2;
                    var percentToken = Current;
                    var percent = ParseNumber("a percentage");
                    if (percent is <= 0 or > 100) FailAt(percentToken, "a percentage greater than 0 and at most 100");
                    ExpectWord("percent");
                    return new ComputedInTop(name, percent);
                }
                return new ComputedIs(name, ParseComparison());
            }
            if (AcceptWord("performed")) return ParsePerformed();
            if (AcceptWord("for"))
            {
                ExpectWord("some");
                var property = ParsePath("an event property name");
                ExpectSymbol(":");
                Enter();
                var inner = ParseOr();
                _nesting--;
                return new ForSome(property, inner);
            }
            if (AcceptWord("in"))
            {
                ExpectWord("segment");
                return new InSegment(ParseString("a segment name in quotes"));
            }
            if (AcceptWord("has"))
            {
                if (AcceptWord("consent")) return new HasConsent(ConsentPurposes.Normalize(ParsePath("a consent purpose such as email")));
                if (AcceptWord("tag"))
                {
                    var tagToken = Current;
                    return new HasTag(Tags.Normalize(ParsePath("a tag in quotes such as \"loyal/high-value\"")) ?? throw FailAt(tagToken, "a non-empty tag"));
                }
                Fail("'consent' or 'tag'");
            }
            throw Fail("a condition: trait, computed, performed, for some, in segment, has consent, has tag, 'not' or '('");
        }

        private Performed ParsePerformed()
        {
            var name = ParseString("an event name in quotes");
            var filters = new List<PropertyFilter>();
            if (AcceptWord("with"))
            {
                do filters.Add(new PropertyFilter(ParsePath("an event property name"), ParseComparison()));
                while (AcceptSymbol(","));
            }
            var measure = ParseMeasure();
            TimeSpan? last = null;
            string? since = null;
            var inSession = false;
            while (true)
            {
                if (Current.IsWord("in") && Peek().IsWord("last"))
                {
                    if (last is not null) Fail("one 'in last' window only");
                    _position += 2;
                    last = ParseDuration();
                }
                else if (AcceptWord("since"))
                {
                    if (since is not null) Fail("one 'since' window only");
                    AcceptWord("last");
                    since = ParseString("an event name in quotes");
                }
                else if (AcceptWord("within"))
                {
                    if (!AcceptWord("one") && !AcceptWord("a")) Fail("'one session'");
                    ExpectWord("session");
                    inSession = true;
                }
                else break;
            }
            return new Performed(name, new ValueList<PropertyFilter>(filters), measure, new Window(last, since, inSession));
        }

        private Measure ParseMeasure()
        {
            Operator? countOp =
                Current.IsWord("at") && Peek().IsWord("least") ? Operator.GreaterOrEqual
                : Current.IsWord("at") && Peek().IsWord("most") ? Operator.LessOrEqual
                : Current.IsWord("more") && Peek().IsWord("than") ? Operator.Greater
                : Current.IsWord("fewer") && Peek().IsWord("than") ? Operator.Less
                : null;
            if (countOp is not null) _position += 2;
            else if (AcceptWord("exactly")) countOp = Operator.Equal;
            if (countOp is { } op)
            {
                var countToken = Current;
                var count = ParseNumber("a number of times");
                if (count < 0 || count != decimal.Truncate(count)) FailAt(countToken, "a whole number of times");
                if (!AcceptWord("times") && !AcceptWord("time")) Fail("'times'");
                return new Measure(Aggregate.Count, null, op, count);
            }

            Aggregate? aggregate = Current.IsWord("sum") ? Aggregate.Sum : Current.IsWord("min") ? Aggregate.Min
                : Current.IsWord("max") ? Aggregate.Max : Current.IsWord("distinct") ? Aggregate.Distinct : null;
            if (aggregate is not { } kind || !Peek().IsWord("of")) return Measure.AtLeastOnce;
            _position += 2;
            var property = ParsePath("an event property name");
            var comparison = ParseOperator();
            return new Measure(kind, property, comparison, ParseNumber("a number"));
        }

        private TimeSpan ParseDuration()
        {
            var amountToken = Current;
            var amount = ParseNumber("a whole number of minutes, hours, days or weeks");
            if (amount <= 0 || amount != decimal.Truncate(amount)) FailAt(amountToken, "a whole number of minutes, hours, days or weeks, greater than 0");
            var unit = Current.Kind == TokenKind.Word ? Current.Text.ToLowerInvariant() : "";
            var minutes = unit switch
            {
                "minute" or "minutes" => 1m,
                "hour" or "hours" => 60m,
                "day" or "days" => 60m * 24,
                "week" or "weeks" => 60m * 24 * 7,
                _ => throw Fail("minutes, hours, days or weeks"),
            };
            if (amount * minutes > (decimal)Window.Longest.TotalMinutes) FailAt(amountToken, $"a window of at most {Window.Longest.Days} days");
            _position++;
            return TimeSpan.FromMinutes((long)(amount * minutes));
        }

        private Comparison ParseComparison()
        {
            if (AcceptWord("exists")) return new Comparison(Operator.Exists, ValueList<Literal>.Empty);
            if (AcceptWord("contains")) return Comparison.Of(Operator.Contains, ParseLiteral());
            if (AcceptWord("starts"))
            {
                ExpectWord("with");
                return Comparison.Of(Operator.StartsWith, ParseLiteral());
            }
            if (AcceptWord("between"))
            {
                var low = ParseLiteral();
                ExpectWord("and");
                return Comparison.Of(Operator.Between, low, ParseLiteral());
            }
            if (AcceptWord("in"))
            {
                ExpectSymbol("[");
                var values = new List<Literal>();
                if (!Current.IsSymbol("]"))
                {
                    do values.Add(ParseLiteral());
                    while (AcceptSymbol(","));
                }
                ExpectSymbol("]");
                return new Comparison(Operator.In, new ValueList<Literal>(values));
            }
            var op = ParseOperator();
            return Comparison.Of(op, ParseLiteral());
        }

        private Operator ParseOperator()
        {
            if (Current.Kind == TokenKind.Symbol)
            {
                var op = OperatorSymbols.Parse(Current.Text);
                if (op is { } found)
                {
                    _position++;
                    return found;
                }
            }
            throw Fail("a comparison: = != < <= > >= in [..] contains, starts with, exists or between .. and ..");
        }

        private Literal ParseLiteral()
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.String: _position++; return Literal.Of(token.Text);
                case TokenKind.Number: _position++; return Literal.Of(token.Number);
                case TokenKind.Word when token.IsWord("true"): _position++; return Literal.Of(true);
                case TokenKind.Word when token.IsWord("false"): _position++; return Literal.Of(false);
                default: throw Fail("a value: a \"string\", a number, true or false");
            }
        }

        private decimal ParseNumber(string expected)
        {
            if (Current.Kind != TokenKind.Number) Fail(expected);
            return Next().Number;
        }

        /// <summary>A name in quotes; an empty one is rejected, as in the JSON form.</summary>
        private string ParseString(string expected)
        {
            if (Current.Kind != TokenKind.String || Current.Text.Length == 0) Fail(expected);
            return Next().Text;
        }

        /// <summary>A bare word or a non-empty quoted name.</summary>
        private string ParsePath(string expected)
        {
            if (Current.Kind is TokenKind.Word || (Current.Kind is TokenKind.String && Current.Text.Length > 0)) return Next().Text;
            throw Fail(expected);
        }
    }
}
