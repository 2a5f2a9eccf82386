using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Observability;

/// <summary>Counts committed segment entries and exits (<see cref="TailorMetrics.MembershipChanges"/>) from the host's <see cref="ChangeFeed"/>.</summary>
internal sealed class MembershipCounter(ChangeFeed feed) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(memberships: Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private static void Count(IReadOnlyList<MembershipChange> changes)
    {
        if (!TailorMetrics.MembershipChanges.Enabled) return;
        var entered = 0;
        foreach (var change in changes) if (change.Entered) entered++;
        if (entered > 0) TailorMetrics.MembershipChanges.Add(entered, new KeyValuePair<string, object?>("change", "entered"));
        if (changes.Count > entered) TailorMetrics.MembershipChanges.Add(changes.Count - entered, new KeyValuePair<string, object?>("change", "exited"));
    }
}
