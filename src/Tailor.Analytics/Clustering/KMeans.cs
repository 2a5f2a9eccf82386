using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Tailor.Analytics.Clustering;

/// <summary>
/// Lloyd's k-means with scikit-learn's greedy k-means++ initialisation (2 + ⌊ln k⌋ candidates per centre, the one
/// that lowers the potential most is kept), several restarts and a seed. Rows are processed in fixed blocks across
/// threads; each block accumulates into its own slot and the slots are summed in block order, so a seed gives the same
/// result bit for bit however the threads are scheduled. A cluster left empty takes the row farthest from its own
/// centre (as scikit-learn relocates empty clusters).
/// </summary>
public static class KMeans
{
    private const int BlockRows = 4096;

    /// <summary>Fits <see cref="KMeansOptions.Clusters"/> clusters to the rows of <paramref name="matrix"/>.</summary>
    public static KMeansResult Fit(FeatureMatrix matrix, KMeansOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate(matrix.Rows);
        double tolerance = options.Tolerance * MeanVariance(matrix);
        var seeds = new Random(options.Seed);
        KMeansResult? best = null;
        for (int restart = 0; restart < options.Restarts; restart++)
        {
            var result = FitOnce(matrix, options.Clusters, new Random(seeds.Next()), tolerance, options.MaxIterations, restart, cancellationToken);
            if (best is null || result.Inertia < best.Inertia)
            {
                best = result;
            }
        }
        return best!;
    }

    /// <summary>The mean over features of the population variance: the scale scikit-learn multiplies the tolerance by.</summary>
    public static double MeanVariance(FeatureMatrix matrix)
    {
        var (_, variance) = FeaturePreparation.MeanAndVariance(matrix);
        return variance.Average();
    }

    private static KMeansResult FitOnce(FeatureMatrix matrix, int k, Random random, double tolerance, int maxIterations, int restart, CancellationToken cancellationToken)
    {
        int n = matrix.Rows, d = matrix.Columns;
        var data = matrix.Data;
        var centers = PlusPlus(data, n, d, k, random, cancellationToken);
        var next = new double[k * d];
        var labels = new int[n];
        var previous = new int[n];
        Array.Fill(previous, -1);
        var blocks = new Blocks(n, k, d);
        int iteration = 0;
        bool converged = false;
        while (iteration < maxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            iteration++;
            Assign(data, n, d, centers, k, labels, blocks, accumulate: true);
            var (sums, counts) = blocks.Reduce();
            RelocateEmpty(data, d, centers, labels, sums, counts);
            double shift = 0;
            for (int j = 0; j < k; j++)
            {
                for (int f = 0; f < d; f++)
                {
                    double value = sums[j * d + f] / counts[j];
                    double diff = value - centers[j * d + f];
                    shift += diff * diff;
                    next[j * d + f] = value;
                }
            }
            (centers, next) = (next, centers);
            if (labels.AsSpan().SequenceEqual(previous) || shift <= tolerance)
            {
                converged = true;
                break;
            }
            labels.AsSpan().CopyTo(previous);
        }
        // The labels above were assigned to the centres before their last update: assign once more so labels,
        // centres and inertia agree.
        double inertia = Assign(data, n, d, centers, k, labels, blocks, accumulate: false);
        return new KMeansResult(k, labels, centers, inertia, iteration, converged, restart);
    }

    // scikit-learn's _kmeans_plusplus: the first centre uniformly, then each next one among 2 + ⌊ln k⌋ candidates drawn
    // with probability proportional to the squared distance to the nearest chosen centre, keeping the candidate that
    // leaves the smallest total.
    private static double[] PlusPlus(double[] data, int n, int d, int k, Random random, CancellationToken cancellationToken)
    {
        var centers = new double[k * d];
        int trials = 2 + (int)Math.Log(k);
        int first = random.Next(n);
        Array.Copy(data, first * d, centers, 0, d);
        var closest = new double[n];
        var cumulative = new double[n];
        int blockCount = (n + BlockRows - 1) / BlockRows;
        var blockTotals = new double[blockCount * trials];
        Parallel.For(0, blockCount, b =>
        {
            int end = Math.Min(n, (b + 1) * BlockRows);
            double total = 0;
            for (int i = b * BlockRows; i < end; i++)
            {
                closest[i] = Distance2(data, i * d, data, first * d, d);
                total += closest[i];
            }
            blockTotals[b] = total;
        });
        double potential = SumInOrder(blockTotals, blockCount, 1, 0);
        var candidates = new int[trials];
        for (int c = 1; c < k; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double running = 0;
            for (int i = 0; i < n; i++)
            {
                running += closest[i];
                cumulative[i] = running;
            }
            for (int t = 0; t < trials; t++)
            {
                double target = random.NextDouble() * potential;
                int index = Array.BinarySearch(cumulative, target);
                index = index >= 0 ? index : ~index; // first i with cumulative[i] ≥ target, as numpy's searchsorted
                // A run of equal sums (rows at distance 0) finds any of them: step back to the first, which is what searchsorted returns.
                while (index > 0 && index < n && cumulative[index - 1] >= target)
                {
                    index--;
                }
                candidates[t] = Math.Min(index, n - 1);
            }
            Parallel.For(0, blockCount, b =>
            {
                int end = Math.Min(n, (b + 1) * BlockRows);
                Span<double> totals = stackalloc double[trials];
                for (int i = b * BlockRows; i < end; i++)
                {
                    for (int t = 0; t < totals.Length; t++)
                    {
                        totals[t] += Math.Min(closest[i], Distance2(data, i * d, data, candidates[t] * d, d));
                    }
                }
                totals.CopyTo(blockTotals.AsSpan(b * trials, trials));
            });
            int bestTrial = 0;
            double bestPotential = double.PositiveInfinity;
            for (int t = 0; t < trials; t++)
            {
                double total = SumInOrder(blockTotals, blockCount, trials, t);
                if (total < bestPotential)
                {
                    bestPotential = total;
                    bestTrial = t;
                }
            }
            int chosen = candidates[bestTrial];
            Parallel.For(0, blockCount, b =>
            {
                int end = Math.Min(n, (b + 1) * BlockRows);
                for (int i = b * BlockRows; i < end; i++)
                {
                    closest[i] = Math.Min(closest[i], Distance2(data, i * d, data, chosen * d, d));
                }
            });
            potential = bestPotential;
            Array.Copy(data, chosen * d, centers, c * d, d);
        }
        return centers;
    }

    // Labels every row with its nearest centre (the lowest index on a tie); with accumulate, also sums rows per cluster.
    // Returns the inertia against these centres.
    private static double Assign(double[] data, int n, int d, double[] centers, int k, int[] labels, Blocks blocks, bool accumulate)
    {
        blocks.Clear();
        Parallel.For(0, blocks.Count, b =>
        {
            int end = Math.Min(n, (b + 1) * BlockRows);
            var sums = blocks.Sums(b);
            var counts = blocks.Counts(b);
            double inertia = 0;
            for (int i = b * BlockRows; i < end; i++)
            {
                int row = i * d;
                int label = 0;
                double nearest = double.PositiveInfinity;
                for (int j = 0; j < k; j++)
                {
                    double distance = Distance2(data, row, centers, j * d, d);
                    if (distance < nearest)
                    {
                        nearest = distance;
                        label = j;
                    }
                }
                labels[i] = label;
                inertia += nearest;
                if (accumulate)
                {
                    counts[label]++;
                    var sum = sums.Slice(label * d, d);
                    var x = data.AsSpan(row, d);
                    for (int f = 0; f < x.Length; f++)
                    {
                        sum[f] += x[f];
                    }
                }
            }
            blocks.Inertia[b] = inertia;
        });
        return SumInOrder(blocks.Inertia, blocks.Count, 1, 0);
    }

    private static void RelocateEmpty(double[] data, int d, double[] centers, int[] labels, double[] sums, long[] counts)
    {
        int k = counts.Length;
        for (int j = 0; j < k; j++)
        {
            if (counts[j] > 0)
            {
                continue;
            }
            // The row farthest from its own centre, among clusters that can spare a row.
            int far = -1;
            double farthest = -1;
            for (int i = 0; i < labels.Length; i++)
            {
                if (counts[labels[i]] < 2)
                {
                    continue;
                }
                double distance = Distance2(data, i * d, centers, labels[i] * d, d);
                if (distance > farthest)
                {
                    farthest = distance;
                    far = i;
                }
            }
            if (far < 0)
            {
                throw new InvalidOperationException("k-means left a cluster empty and no cluster can spare a row: there are fewer distinct rows than clusters");
            }
            int from = labels[far];
            for (int f = 0; f < d; f++)
            {
                sums[from * d + f] -= data[far * d + f];
                sums[j * d + f] = data[far * d + f];
            }
            counts[from]--;
            counts[j] = 1;
            labels[far] = j;
        }
    }

    // The squared Euclidean distance between two rows of d values; 4 lanes at a time where the hardware has them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Distance2(double[] a, int aOffset, double[] b, int bOffset, int d)
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(a);
        ref double y = ref MemoryMarshal.GetArrayDataReference(b);
        x = ref Unsafe.Add(ref x, aOffset);
        y = ref Unsafe.Add(ref y, bOffset);
        int f = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && d >= 4)
        {
            var acc = Vector256<double>.Zero;
            for (; f <= d - 4; f += 4)
            {
                var diff = Vector256.LoadUnsafe(ref x, (nuint)f) - Vector256.LoadUnsafe(ref y, (nuint)f);
                acc += diff * diff;
            }
            sum = Vector256.Sum(acc);
        }
        for (; f < d; f++)
        {
            double diff = Unsafe.Add(ref x, f) - Unsafe.Add(ref y, f);
            sum += diff * diff;
        }
        return sum;
    }

    private static double SumInOrder(double[] values, int count, int stride, int offset)
    {
        double sum = 0;
        for (int b = 0; b < count; b++)
        {
            sum += values[b * stride + offset];
        }
        return sum;
    }

    // One accumulator slot per block of rows, reduced in block order for a result independent of thread scheduling.
    private sealed class Blocks(int n, int k, int d)
    {
        private readonly double[] _sums = new double[(n + BlockRows - 1) / BlockRows * k * d];
        private readonly long[] _counts = new long[(n + BlockRows - 1) / BlockRows * k];

        public int Count { get; } = (n + BlockRows - 1) / BlockRows;

        public double[] Inertia { get; } = new double[(n + BlockRows - 1) / BlockRows];

        public Span<double> Sums(int block) => _sums.AsSpan(block * k * d, k * d);

        public Span<long> Counts(int block) => _counts.AsSpan(block * k, k);

        public void Clear()
        {
            Array.Clear(_sums);
            Array.Clear(_counts);
        }

        public (double[] Sums, long[] Counts) Reduce()
        {
            var sums = new double[k * d];
            var counts = new long[k];
            for (int b = 0; b < Count; b++)
            {
                var blockSums = Sums(b);
                for (int i = 0; i < sums.Length; i++)
                {
                    sums[i] += blockSums[i];
                }
                var blockCounts = Counts(b);
                for (int j = 0; j < k; j++)
                {
                    counts[j] += blockCounts[j];
                }
            }
            return (sums, counts);
        }
    }
}
