namespace Tailor.Core.Experiments;

/// <summary>The full factorial of a multivariate test: one variant per combination of levels, with equal weights.</summary>
public static class Factorial
{
    /// <summary>The separator between levels in a cell's key: <c>headline=a+image=x</c> is written <c>a.x</c>.</summary>
    public const char Separator = '.';

    /// <summary>Every cell, the first factor varying slowest; the cell key joins the levels with <see cref="Separator"/>.</summary>
    public static IReadOnlyList<ExperimentVariant> Cells(IReadOnlyList<ExperimentFactor> factors)
    {
        var count = 1;
        foreach (var f in factors) count *= f.Levels.Count;
        var cells = new List<ExperimentVariant>(count);
        var index = new int[factors.Count];
        for (var c = 0; c < count; c++)
        {
            var levels = new Dictionary<string, string>(StringComparer.Ordinal);
            var key = new string[factors.Count];
            for (var i = 0; i < factors.Count; i++)
            {
                levels[factors[i].Name] = factors[i].Levels[index[i]];
                key[i] = factors[i].Levels[index[i]];
            }
            cells.Add(new ExperimentVariant(string.Join(Separator, key), Levels: levels));
            for (var i = factors.Count - 1; i >= 0; i--) // odometer: the last factor varies fastest
            {
                if (++index[i] < factors[i].Levels.Count) break;
                index[i] = 0;
            }
        }
        return cells;
    }
}
