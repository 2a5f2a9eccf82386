namespace Tailor.Application.Analytics.Recommendations;

/// <summary>Parameters of a <c>rules</c> run (defaults as <see cref="Tailor.Analytics.Associations.RuleOptions"/>): each <c>Order Completed</c> is a basket; <see cref="Related"/> items are kept per item (default 20).</summary>
public sealed record RulesParameters(
    double MinSupport = 0.01,
    double MinConfidence = 0.2,
    double MinLift = 1.0,
    int MinLength = 2,
    int MaxLength = 3,
    int Related = 20);
