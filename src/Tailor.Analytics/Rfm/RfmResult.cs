namespace Tailor.Analytics.Rfm;

/// <summary>The RFM table of every customer with at least one order up to the as-of moment (ordered by customer id), and the run's boundaries.</summary>
public sealed record RfmResult(DateTimeOffset AsOf, IReadOnlyList<RfmCustomer> Customers, RfmBoundaries Boundaries);
