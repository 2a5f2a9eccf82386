using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Core.Analytics;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Analytics;

/// <summary>Runs repeated on a schedule, queued on the fake clock, over SQLite.</summary>
public sealed class AnalyticsSchedulesTests() : SqliteStoreTest("analytics-schedules")
{
    private AnalyticsRuns _runs = null!;
    private AnalyticsSchedules _schedules = null!;

    protected override ValueTask SetUpAsync()
    {
        _runs = new AnalyticsRuns([new NoopJob()], Store.Analytics, new IdSource(Time), Time, NullLogger<AnalyticsRuns>.Instance);
        _schedules = new AnalyticsSchedules(_runs, Store.Analytics, new IdSource(Time), Time);
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("5m", 5)]
    [InlineData("6h", 360)]
    [InlineData("1d", 1440)]
    [InlineData("366d", 527040)]
    public void Intervals_are_a_whole_number_of_minutes_hours_or_days(string text, int minutes)
    {
        Assert.True(AnalyticsSchedules.TryParseInterval(text, out var interval));
        Assert.Equal(TimeSpan.FromMinutes(minutes), interval);
    }

    [Theory]
    [InlineData("4m")]
    [InlineData("367d")]
    [InlineData("1w")]
    [InlineData("1.5d")]
    [InlineData("-1d")]
    [InlineData(" 1d")]
    [InlineData("99999999d")]
    [InlineData("")]
    public void Other_intervals_are_refused(string text) => Assert.False(AnalyticsSchedules.TryParseInterval(text, out _));

    [Fact]
    public async Task A_schedule_is_refused_naming_the_field()
    {
        Assert.Equal("kind", (await _schedules.CreateAsync("nope", null, "1d", null, Ct)).Problem!.Field);
        Assert.Equal("parameters.size", (await _schedules.CreateAsync("noop", JsonDocument.Parse("""{"size":"big"}""").RootElement, "1d", null, Ct)).Problem!.Field);
        Assert.Equal("every", (await _schedules.CreateAsync("noop", null, "1s", null, Ct)).Problem!.Field);
        Assert.Equal("firstAt", (await _schedules.CreateAsync("noop", null, "1d", Time.GetUtcNow().AddMinutes(-1), Ct)).Problem!.Field);
        Assert.Empty(await _schedules.ListAsync(Ct));
    }

    [Fact]
    public async Task A_due_schedule_queues_one_run_per_due_moment_and_a_long_outage_queues_one_not_many()
    {
        var schedule = (await _schedules.CreateAsync("noop", JsonDocument.Parse("""{"size":3}""").RootElement, "1h", null, Ct)).Value!;
        Assert.Equal(Time.GetUtcNow().AddHours(1), schedule.NextAt);

        var early = await _schedules.QueueDueAsync(Ct);
        Assert.Equal((0, schedule.NextAt), (early.Queued.Count, early.NextDue));

        Time.Advance(TimeSpan.FromHours(1));
        var due = await _schedules.QueueDueAsync(Ct);
        var again = await _schedules.QueueDueAsync(Ct);
        Assert.Single(due.Queued);
        Assert.Equal((AnalyticsRunStatus.Queued, 3), (due.Queued[0].Status, due.Queued[0].Parameters.GetProperty("size").GetInt32()));
        Assert.Empty(again.Queued);
        Assert.Equal(schedule.NextAt.AddHours(1), again.NextDue);
        Assert.Equal(due.Queued[0].Id, (await _schedules.ListAsync(Ct)).Single().LastRunId);

        Time.Advance(TimeSpan.FromHours(10.5));
        var afterOutage = await _schedules.QueueDueAsync(Ct);
        Assert.Single(afterOutage.Queued);
        Assert.Equal(schedule.NextAt.AddHours(11), afterOutage.NextDue);

        Assert.True((await _schedules.DeleteAsync(schedule.Id, Ct)).Value);
        Assert.Equal(ProblemKind.NotFound, (await _schedules.DeleteAsync(schedule.Id, Ct)).Problem!.Kind);
        Assert.Equal(2, (await _runs.ListAsync("noop", 10, Ct)).Count);
    }

    [Fact]
    public async Task A_due_moment_is_claimed_once_even_by_two_schedulers()
    {
        var schedule = (await _schedules.CreateAsync("noop", null, "1h", null, Ct)).Value!;
        Time.Advance(TimeSpan.FromHours(1));

        Assert.True(await Store.Analytics.ClaimScheduleAsync(schedule.Id, schedule.NextAt, schedule.NextAt.AddHours(1), "run_a", Ct));
        Assert.False(await Store.Analytics.ClaimScheduleAsync(schedule.Id, schedule.NextAt, schedule.NextAt.AddHours(1), "run_b", Ct));
        Assert.Empty((await _schedules.QueueDueAsync(Ct)).Queued);
    }

    private sealed class NoopJob : AnalyticsJob<NoopJob.Parameters>
    {
        public sealed record Parameters(int Size = 1);

        public override string Kind => "noop";

        protected override OperationProblem? Validate(Parameters parameters) => null;

        protected override Task<OperationResult<AnalyticsOutput>> RunAsync(Parameters parameters, AnalyticsRequest request, IProgress<AnalyticsProgress> progress, CancellationToken ct) =>
            Task.FromResult<OperationResult<AnalyticsOutput>>(new AnalyticsOutput(AnalyticsParameters.Empty, []));
    }
}
