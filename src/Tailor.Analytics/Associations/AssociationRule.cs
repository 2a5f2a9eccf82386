namespace Tailor.Analytics.Associations;

/// <summary>
/// X ⇒ Y: baskets with every item of <paramref name="Antecedent"/> (X) also hold <paramref name="Consequent"/> (Y).
/// Support = P(X ∪ Y) (share of baskets holding both), Confidence = supp(X ∪ Y) / supp(X), Lift = Confidence / supp(Y).
/// </summary>
public sealed record AssociationRule(IReadOnlyList<string> Antecedent, IReadOnlyList<string> Consequent, double Support, double Confidence, double Lift);
