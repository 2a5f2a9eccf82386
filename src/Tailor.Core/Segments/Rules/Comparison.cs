namespace Tailor.Core.Segments.Rules;

/// <summary>How a value is tested: an operator and its operands (none for exists, two for between, any for in).</summary>
public sealed record Comparison(Operator Operator, ValueList<Literal> Values)
{
    public static Comparison Of(Operator op, params Literal[] values) => new(op, new ValueList<Literal>(values));

    public Literal Value => Values[0];
}

public enum Operator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    In,
    Contains,
    StartsWith,
    Exists,
    Between,
}

/// <summary>The comparison symbols shared by the text and JSON forms.</summary>
public static class OperatorSymbols
{
    /// <summary>Reads <c>= == != &lt; &lt;= &gt; &gt;=</c>.</summary>
    public static Operator? Parse(string? symbol) => symbol switch
    {
        "=" or "==" => Operator.Equal,
        "!=" => Operator.NotEqual,
        "<" => Operator.Less,
        "<=" => Operator.LessOrEqual,
        ">" => Operator.Greater,
        ">=" => Operator.GreaterOrEqual,
        _ => null,
    };
}
