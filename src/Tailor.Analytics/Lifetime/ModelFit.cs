namespace Tailor.Analytics.Lifetime;

/// <summary>A model fitted by maximum likelihood: the model, the maximised log-likelihood (summed over customers), how many customers it was fitted on, and how many likelihood evaluations it took.</summary>
public sealed record ModelFit<TModel>(TModel Model, double LogLikelihood, int Customers, int Evaluations);
