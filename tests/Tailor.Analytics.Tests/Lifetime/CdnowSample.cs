using System.Globalization;
using Tailor.Analytics.Lifetime;

namespace Tailor.Analytics.Tests.Lifetime;

/// <summary>
/// Reads the CDNOW 1/10 sample (<c>master_id,sample_id,date,number_of_cds,dollar_value</c>, date yyyyMMdd) from the path
/// in <c>TAILOR_TEST_CDNOW_SAMPLE</c>. The file has no licence, so it is never copied into the repository.
/// </summary>
internal static class CdnowSample
{
    public const string Variable = "TAILOR_TEST_CDNOW_SAMPLE";

    /// <summary>The calibration period of the papers: 1997-01-01 … 1997-09-30 (39 weeks; T = 38.86 weeks for a 1 January first purchase).</summary>
    public static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    public static string? Path => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } p ? p : null;

    public static IReadOnlyList<Transaction> Read(string path)
    {
        var rows = new List<Transaction>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            rows.Add(new Transaction(f[0], DateOnly.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture), double.Parse(f[4], CultureInfo.InvariantCulture)));
        }
        return rows;
    }
}
