namespace Tailor.Core.Geo;

/// <summary>
/// Where an IP address is, as far as the operator's database says: the country (ISO 3166-1 alpha-2 code, <c>US</c>),
/// the region (first-level subdivision, by name: <c>New York</c>) and the city (<c>Brooklyn</c>). Any part may be unknown.
/// </summary>
public sealed record GeoLocation(string? Country, string? Region, string? City)
{
    /// <summary>True when the database knew nothing useful.</summary>
    public bool IsEmpty => Country is null && Region is null && City is null;
}
