namespace Tailor.Application.Analytics.Recommendations;

/// <summary>
/// Parameters of a <c>recommend</c> run. <see cref="Model"/> <c>auto</c> (default) trains the model the offline
/// evaluation chooses among item-kNN, EASE (catalogues up to 5,000 items) and ALS; or one of <c>popularity</c>,
/// <c>item-knn</c>, <c>ease</c>, <c>als</c>. <see cref="Top"/> items are stored per profile (default 50, so a category
/// filter still finds some), <see cref="Related"/> neighbours per item (default 20).
/// </summary>
public sealed record RecommendParameters(
    string Model = "auto",
    int Top = 50,
    int Related = 20,
    int Neighbours = 50,
    double EaseLambda = 200,
    int Factors = 32,
    double Regularization = 0.1,
    double Alpha = 10,
    int Iterations = 15,
    int Seed = 42,
    double ViewWeight = 1,
    double AddWeight = 3,
    double PurchaseWeight = 5);
