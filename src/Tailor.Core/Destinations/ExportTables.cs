namespace Tailor.Core.Destinations;

/// <summary>The tables a warehouse export writes.</summary>
public static class ExportTables
{
    public const string Events = "events";
    public const string Profiles = "profiles";
    public const string Memberships = "memberships";
    public const string Sends = "sends";

    public static readonly IReadOnlyList<string> All = [Events, Profiles, Memberships, Sends];
}
