using System.Globalization;
using Tailor.Core.Profiles;

namespace Tailor.Cli.Commands;

/// <summary>
/// Reads the merge guards and profile caps from the environment, so <c>serve</c>, <c>import</c> and <c>merges</c>
/// fold profiles under the same limits: <c>TAILOR_IGNORED_IDS</c> (comma-separated; replaces the default list),
/// <c>TAILOR_MAX_IDENTITIES</c>, <c>TAILOR_MAX_TRAITS</c>, <c>TAILOR_MAX_TRAIT_BYTES</c>.
/// </summary>
internal static class ProfileLimitsEnvironment
{
    public static ProfileLimits Read()
    {
        var limits = new ProfileLimits();
        if (Environment.GetEnvironmentVariable("TAILOR_IGNORED_IDS") is { } ignored)
            limits.IgnoredIdentityValues = [.. ignored.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        limits.MaxIdentitiesPerProfile = Positive("TAILOR_MAX_IDENTITIES", limits.MaxIdentitiesPerProfile);
        limits.MaxTraits = Positive("TAILOR_MAX_TRAITS", limits.MaxTraits);
        limits.MaxTraitBytes = Positive("TAILOR_MAX_TRAIT_BYTES", limits.MaxTraitBytes);
        return limits;
    }

    private static int Positive(string variable, int fallback)
    {
        if (Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } text) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        throw new InvalidOperationException($"{variable} must be a whole number above 0, not '{text}'");
    }
}
