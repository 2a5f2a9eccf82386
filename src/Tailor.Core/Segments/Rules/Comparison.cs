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
