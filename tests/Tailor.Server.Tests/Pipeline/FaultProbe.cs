using System.Collections.Concurrent;
using Tailor.Core.Pipeline;

namespace Tailor.Server.Tests.Pipeline;

/// <summary>Makes one chosen item of one stage throw every time it is processed, until <see cref="Heal"/>.</summary>
internal sealed class FaultProbe : IStageProbe
{
    private volatile Func<string, string, bool>? _poisoned;

    public ConcurrentQueue<(string Stage, string Key)> Seen { get; } = new();

    /// <summary>Fails items for which <paramref name="poisoned"/>(stage, key) holds.</summary>
    public void FailOn(Func<string, string, bool> poisoned) => _poisoned = poisoned;

    public void FailOn(string stage, string key) => FailOn((s, k) => s == stage && k == key);

    /// <summary>Fails the first item of <paramref name="stage"/> seen from now on, and only that one (for items whose keys are not known ahead).</summary>
    public void FailOnFirst(string stage)
    {
        string? chosen = null;
        FailOn((s, k) => s == stage && (Interlocked.CompareExchange(ref chosen, k, null) ?? k) == k);
    }

    public void Heal() => _poisoned = null;

    public void BeforeItem(string stage, string key)
    {
        Seen.Enqueue((stage, key));
        if (_poisoned?.Invoke(stage, key) == true) throw new InvalidOperationException($"injected fault on {stage} {key}");
    }
}
