using System.Text.Json;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Triggers;

namespace Tailor.Core.Tests.Triggers;

/// <summary>The pure state machine, moment by moment: no clock, no storage, only inputs and decisions.</summary>
public sealed class JourneyMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private sealed class Facts(Func<Rule, DateTimeOffset, bool>? matches = null, Profile? profile = null) : IJourneyFacts
    {
        public Profile Profile { get; } = profile ?? new Profile { Id = "p1", CreatedAt = T0 };

        public bool Matches(Rule rule, DateTimeOffset at) => matches?.Invoke(rule, at) ?? false;
    }

    private static readonly TriggerDefinition Cart = TriggerJson.Parse("""
        {"name": "Cart", "start": {"event": "Product Added"}, "goal": "Order Completed",
         "steps": [{"wait": "30m"}, {"action": {"email": {"subject": "s", "body": "b"}}}]}
        """);

    private static JourneyTransition Enter(TriggerDefinition t, DateTimeOffset at, IJourneyFacts? facts = null) =>
        JourneyMachine.Enter(t, "run1", "trg", "p1", at, "{}", "test", facts ?? new Facts());

    [Fact]
    public void A_wait_is_measured_from_event_time_so_an_event_stamped_29m57s_ago_has_3s_left()
    {
        var now = T0;
        var entered = Enter(Cart, now - TimeSpan.FromMinutes(29) - TimeSpan.FromSeconds(57));
        Assert.Equal(RunStatus.Waiting, entered.Run.Status);
        Assert.Equal(now + TimeSpan.FromSeconds(3), entered.Run.DueAt);
        Assert.Empty(entered.Actions);
        Assert.Equal(["entered", "waiting"], entered.Log.Select(l => l.Kind));
    }

    [Fact]
    public void When_the_wait_runs_out_the_email_is_decided_once_with_a_run_and_step_key()
    {
        var entered = Enter(Cart, T0);
        var fired = JourneyMachine.OnTimer(Cart, entered.Run, new Facts());
        var action = Assert.Single(fired.Actions);
        Assert.Equal("run1:2", action.IdempotencyKey);
        Assert.Equal(T0.AddMinutes(30), action.At);
        Assert.Equal(RunStatus.Completed, fired.Run.Status);
        Assert.Equal(entered.Run.Version + 1, fired.Run.Version);
    }

    [Fact]
    public void The_goal_event_at_minute_29_exits_and_nothing_is_sent()
    {
        var entered = Enter(Cart, T0);
        var exited = JourneyMachine.OnEvent(Cart, entered.Run, "Order Completed", T0.AddMinutes(29), new Facts());
        Assert.NotNull(exited);
        Assert.Equal(RunStatus.Exited, exited.Run.Status);
        Assert.Equal("goal reached: Order Completed", exited.Run.Outcome);
        Assert.Empty(exited.Actions);
        Assert.Null(exited.Run.DueAt);
    }

    [Fact]
    public void Other_events_change_nothing()
    {
        var entered = Enter(Cart, T0);
        Assert.Null(JourneyMachine.OnEvent(Cart, entered.Run, "Page Viewed", T0.AddMinutes(1), new Facts()));
    }

    [Fact]
    public void A_wait_until_an_event_takes_the_event_branch_before_the_timeout_and_the_timeout_branch_after()
    {
        var inactivity = TriggerJson.Parse("""
            {"name": "Inactive", "start": {"event": "*"},
             "steps": [{"wait": "48h", "until": "*", "onEvent": "exit"}, {"action": {"email": {"subject": "We miss you", "body": "b"}}}]}
            """);
        var entered = Enter(inactivity, T0);
        Assert.Equal("*", entered.Run.WaitingFor);
        var active = JourneyMachine.OnEvent(inactivity, entered.Run, "Page Viewed", T0.AddHours(47), new Facts());
        Assert.Equal(RunStatus.Exited, active!.Run.Status);
        Assert.Empty(active.Actions);

        var late = JourneyMachine.OnEvent(inactivity, entered.Run, "Page Viewed", T0.AddHours(48), new Facts());
        Assert.Null(late); // the wait ran out first: the timer decides
        var reminded = JourneyMachine.OnTimer(inactivity, entered.Run, new Facts());
        Assert.Single(reminded.Actions);
    }

    [Fact]
    public void Multi_step_journey_waits_checks_branches_waits_again()
    {
        var journey = TriggerJson.Parse("""
            {"name": "Journey", "start": {"event": "Product Added"}, "goal": "Order Completed",
             "steps": [
               {"id": "first-wait", "wait": "1h"},
               {"id": "vip?", "if": "has tag \"vip\"", "then": "vip-mail", "else": "plain-mail"},
               {"id": "vip-mail", "action": {"email": {"subject": "VIP", "body": "b"}}},
               {"id": "vip-done", "exit": "vip mailed"},
               {"id": "plain-mail", "action": {"email": {"subject": "Plain", "body": "b"}}},
               {"id": "second-wait", "wait": "1d"},
               {"id": "reminder", "action": {"email": {"subject": "Reminder", "body": "b"}}}]}
            """);
        var vip = new Facts((rule, _) => rule is HasTag { Tag: "vip" });
        var entered = Enter(journey, T0, vip);
        var branched = JourneyMachine.OnTimer(journey, entered.Run, vip);
        Assert.Equal("VIP", ((EmailAction)Assert.Single(branched.Actions).Action).Subject);
        Assert.Equal("vip mailed", branched.Run.Outcome);

        var plain = new Facts();
        var p1 = JourneyMachine.OnTimer(journey, Enter(journey, T0, plain).Run, plain);
        Assert.Equal("Plain", ((EmailAction)Assert.Single(p1.Actions).Action).Subject);
        Assert.Equal(T0.AddHours(1).AddDays(1), p1.Run.DueAt);
        Assert.Contains(p1.Log, l => l.Kind == "condition" && l.Detail == "false");
        var goal = JourneyMachine.OnEvent(journey, p1.Run, "Order Completed", T0.AddHours(5), plain);
        Assert.Equal(RunStatus.Exited, goal!.Run.Status);
        Assert.Empty(goal.Actions);
    }

    [Fact]
    public void A_false_condition_with_no_else_exits_and_says_so()
    {
        var t = TriggerJson.Parse("""{"name": "c", "start": {"event": "A"}, "steps": [{"if": "has tag \"x\""}, {"action": {"profile": {"addTags": ["y"]}}}]}""");
        var run = Enter(t, T0);
        Assert.Equal(RunStatus.Exited, run.Run.Status);
        Assert.Equal("condition false", run.Run.Outcome);
        Assert.Empty(run.Actions);
    }

    [Fact]
    public void Quiet_hours_in_the_profiles_timezone_hold_an_email_until_the_window_opens()
    {
        var t = TriggerJson.Parse("""
            {"name": "q", "start": {"event": "A"}, "quietHours": {"from": "21:00", "to": "08:00", "timezone": "UTC"},
             "steps": [{"action": {"email": {"subject": "s", "body": "b"}}}]}
            """);
        var paris = new Profile { Id = "p1", CreatedAt = T0 };
        paris.Traits["timezone"] = new TraitValue(JsonSerializer.SerializeToElement("Europe/Paris"), T0);
        var facts = new Facts(profile: paris);
        // 21:30 UTC on 10 March is 22:30 in Paris (UTC+1): quiet until 08:00 Paris, 07:00 UTC next day.
        var held = Enter(t, new DateTimeOffset(2026, 3, 10, 21, 30, 0, TimeSpan.Zero), facts);
        Assert.Empty(held.Actions);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 7, 0, 0, TimeSpan.Zero), held.Run.DueAt);
        Assert.Contains(held.Log, l => l.Kind == "quiet-hours");
        var sent = JourneyMachine.OnTimer(t, held.Run, facts);
        Assert.Single(sent.Actions);

        // 19:30 UTC is 20:30 in Paris: not quiet, sent at once (even though it is 21:00+ nowhere relevant).
        Assert.Single(Enter(t, new DateTimeOffset(2026, 3, 10, 19, 30, 0, TimeSpan.Zero), facts).Actions);
        // A profile with no timezone uses the trigger's (UTC): 21:30 UTC is quiet.
        Assert.Empty(Enter(t, new DateTimeOffset(2026, 3, 10, 21, 30, 0, TimeSpan.Zero)).Actions);
    }
}
