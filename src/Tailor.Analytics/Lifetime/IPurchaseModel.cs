namespace Tailor.Analytics.Lifetime;

/// <summary>A fitted model of the purchase process of non-contractual customers (BG/NBD, Pareto/NBD), time in model periods.</summary>
public interface IPurchaseModel
{
    /// <summary>The model's name as written with its scores (<c>bgnbd</c>, <c>paretonbd</c>).</summary>
    string Name { get; }

    /// <summary>The parameters by their papers' names.</summary>
    IReadOnlyDictionary<string, double> Parameters { get; }

    /// <summary>The log-likelihood of one customer's (x, tₓ, T).</summary>
    double LogLikelihood(int x, double tx, double t);

    /// <summary>P(alive | x, tₓ, T): the probability the customer is still active at T.</summary>
    double ProbabilityAlive(int x, double tx, double t);

    /// <summary>E[Y(h) | x, tₓ, T]: the expected number of purchases in the next <paramref name="horizon"/> periods after T.</summary>
    double ExpectedPurchases(double horizon, int x, double tx, double t);
}
