using Tailor.Core.Triggers;
using Tailor.Core.Content;
using Tailor.Application.Delivery;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tailor.Application;
using Tailor.Application.Triggers;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Triggers;

/// <summary>
/// The trigger use cases the API and the CLI both call, over a real SQLite store on a fake clock: enabling and
/// disabling stamp the injected clock's time (the CLI used the machine's) and wake the trigger follower when there
/// is one to wake (the server), and a process without one (the CLI) still saves the change.
/// </summary>
public sealed class TriggerOperationsTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private const string Cart = """{"name": "Cart", "start": {"event": "Product Added"}, "steps": [{"wait": "30m"}]}""";
    private readonly string _data = TempDirectory.Create("trigger-operations");
    private readonly FakeTimeProvider _time = new(Start);
    private TailorDatabase? _store;
    private int _triggerWakes, _deliveryWakes;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TriggerOperations> OperationsAsync(bool follower = true)
    {
        _store ??= await TailorStores.OpenAsync(_data, null, Ct);
        var ids = new IdSource(_time);
        var engine = new TriggerEngine(_store.Triggers, _store.Segments, _store.Profiles, _store.Positions, _time, () => ids.New("run"),
            new FrequencyPolicy(_store.Contacts, []), new ActionPayloads(new LiquidEngine()));
        await engine.ReloadAsync(Ct);
        var wake = follower ? new TriggerWakeups(() => _triggerWakes++, () => _deliveryWakes++) : TriggerWakeups.None;
        return new TriggerOperations(_store.Triggers, _store.Segments, _store.Profiles, engine, ids, _time, wake: wake);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public async Task A_created_trigger_takes_its_id_and_times_from_the_injected_sources_and_wakes_the_follower()
    {
        var triggers = await OperationsAsync();

        var created = await triggers.CreateAsync(Json(Cart), Ct);

        Assert.True(created.Succeeded);
        Assert.StartsWith("trg_", created.Value!.Id, StringComparison.Ordinal);
        Assert.StartsWith("whsec_", created.Value.Secret, StringComparison.Ordinal);
        Assert.Equal(Start, created.Value.CreatedAt);
        Assert.True(created.Value.Enabled);
        Assert.Equal(1, _triggerWakes);
        Assert.NotNull(await _store!.Triggers.GetTriggerAsync(created.Value.Id, Ct));
    }

    [Fact]
    public async Task An_invalid_definition_names_the_json_path_and_nothing_is_saved_or_woken()
    {
        var triggers = await OperationsAsync();

        var invalid = await triggers.CreateAsync(Json("""{"name": "x", "start": {"segment": "Nope"}, "steps": [{"wait": "1m"}]}"""), Ct);

        Assert.Equal("$.start.segment", invalid.Problem!.Field);
        Assert.Empty(await _store!.Triggers.ListTriggersAsync(Ct));
        Assert.Equal(0, _triggerWakes);
    }

    [Fact]
    public async Task Enabling_and_disabling_stamp_the_injected_clock_and_wake_the_trigger_follower()
    {
        var triggers = await OperationsAsync();
        var created = (await triggers.CreateAsync(Json(Cart), Ct)).Value!;
        _time.Advance(TimeSpan.FromHours(2));

        var disabled = await triggers.SetEnabledAsync("Cart", false, Ct);
        _time.Advance(TimeSpan.FromHours(1));
        var enabled = await triggers.SetEnabledAsync(created.Id, true, Ct);

        Assert.False(disabled.Value!.Enabled);
        Assert.Equal(Start.AddHours(2), disabled.Value.UpdatedAt);
        var stored = await _store!.Triggers.GetTriggerAsync(created.Id, Ct);
        Assert.True(stored!.Enabled);
        Assert.Equal(Start.AddHours(3), stored.UpdatedAt);
        Assert.Equal(3, _triggerWakes); // created, disabled, enabled
    }

    [Fact]
    public async Task Enabling_from_the_command_line_uses_the_injected_clock_with_no_follower_to_wake()
    {
        var server = await OperationsAsync();
        var created = (await server.CreateAsync(Json(Cart), Ct)).Value!;
        await server.SetEnabledAsync(created.Id, false, Ct);
        _time.Advance(TimeSpan.FromDays(1));
        var wakesBefore = _triggerWakes;

        // As the CLI builds it: its own engine over the store, nothing to wake in its process.
        var cli = await OperationsAsync(follower: false);
        var enabled = await cli.SetEnabledAsync("Cart", true, Ct);

        Assert.True(enabled.Succeeded);
        var stored = await _store!.Triggers.GetTriggerAsync(created.Id, Ct);
        Assert.True(stored!.Enabled);
        Assert.Equal(Start.AddDays(1), stored.UpdatedAt);
        Assert.Equal(wakesBefore, _triggerWakes);
    }

    [Fact]
    public async Task An_unknown_trigger_or_dead_letter_is_not_found()
    {
        var triggers = await OperationsAsync();

        var trigger = await triggers.SetEnabledAsync("Nope", true, Ct);
        var retry = await triggers.RetryDeadLetterAsync("nope", Ct);

        Assert.Equal((ProblemKind.NotFound, "trigger"), (trigger.Problem!.Kind, trigger.Problem.Field));
        Assert.Equal((ProblemKind.NotFound, "delivery"), (retry.Problem!.Kind, retry.Problem.Field));
        Assert.Equal(0, _deliveryWakes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        TempDirectory.Delete(_data);
    }
}
