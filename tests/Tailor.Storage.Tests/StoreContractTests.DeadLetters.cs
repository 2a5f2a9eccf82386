using Tailor.Core.Pipeline;
using Tailor.Core.Storage;

namespace Tailor.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset DeadAt = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static DeadLetter Letter(string stage, string key, string payload = "{}") =>
        new(0, stage, key, "src_1", payload, $"boom on {key}", "System.InvalidOperationException", 3, DeadAt);

    private static ProfileChangeSet EmptyChanges(long from, long to) => new([], [], [], [], [], new PositionMove(Followers.Profiles, from, to));

    [Fact]
    public async Task A_dead_letter_is_stored_and_read_back_with_every_field()
    {
        var stored = await Store.DeadLetters.AddDeadLetterAsync(Letter("profiles", "42", """{"traits":{"x":"\ud800"}}"""), Ct);

        Assert.True(stored.Id > 0);
        Assert.Equal(Letter("profiles", "42", """{"traits":{"x":"\ud800"}}""") with { Id = stored.Id }, stored);
        Assert.True(stored.Pending);
        Assert.Equal(stored, await Store.DeadLetters.GetDeadLetterAsync(stored.Id, Ct));
        Assert.Null(await Store.DeadLetters.GetDeadLetterAsync(stored.Id + 1000, Ct));
    }

    [Fact]
    public async Task Text_the_database_cannot_hold_is_stored_with_a_replacement_character()
    {
        // What poisons a stage is often exactly this: a lone surrogate (not UTF-8 encodable) or a NUL (refused by PostgreSQL text).
        var stored = await Store.DeadLetters.AddDeadLetterAsync(Letter("segments", "k\0ey", "a\ud800b\udc00c\ud83d\ude00") with { Reason = "bad \ud800" }, Ct);

        var read = await Store.DeadLetters.GetDeadLetterAsync(stored.Id, Ct);
        Assert.Equal("k\uFFFDey", read!.Key);
        Assert.Equal("a\uFFFDb\uFFFDc\ud83d\ude00", read.Payload); // a valid pair is kept
        Assert.Equal("bad \uFFFD", read.Reason);
    }

    [Fact]
    public async Task Dead_letters_are_listed_newest_first_by_stage_and_state_a_page_at_a_time()
    {
        var ids = new List<long>();
        foreach (var (stage, key) in new[] { ("profiles", "1"), ("segments", "t1"), ("profiles", "2"), ("profiles", "3"), ("tracking-plan", "m1") })
            ids.Add((await Store.DeadLetters.AddDeadLetterAsync(Letter(stage, key), Ct)).Id);
        Assert.True(await Store.DeadLetters.MarkDeadLetterReplayedAsync(ids[2], DeadAt.AddHours(1), "folded", Ct));

        Assert.Equal(["m1", "3", "2", "t1", "1"], (await Store.DeadLetters.ListDeadLettersAsync(new(), Ct)).Select(d => d.Key));
        Assert.Equal(["3", "2", "1"], (await Store.DeadLetters.ListDeadLettersAsync(new("profiles"), Ct)).Select(d => d.Key));
        Assert.Equal(["3", "1"], (await Store.DeadLetters.ListDeadLettersAsync(new("profiles", Pending: true), Ct)).Select(d => d.Key));
        Assert.Equal(["2"], (await Store.DeadLetters.ListDeadLettersAsync(new("profiles", Pending: false), Ct)).Select(d => d.Key));

        var first = await Store.DeadLetters.ListDeadLettersAsync(new("profiles", Limit: 2), Ct);
        Assert.Equal(["3", "2"], first.Select(d => d.Key));
        Assert.Equal(["1"], (await Store.DeadLetters.ListDeadLettersAsync(new("profiles", Before: first[^1].Id, Limit: 2), Ct)).Select(d => d.Key));
    }

    [Fact]
    public async Task A_dead_letter_is_marked_replayed_once_and_leaves_the_pending_counts()
    {
        var a = await Store.DeadLetters.AddDeadLetterAsync(Letter("profiles", "1"), Ct);
        await Store.DeadLetters.AddDeadLetterAsync(Letter("profiles", "2"), Ct);
        await Store.DeadLetters.AddDeadLetterAsync(Letter("deliveries", "d1"), Ct);
        Assert.Equal(new Dictionary<string, long> { ["profiles"] = 2, ["deliveries"] = 1 }, await Store.DeadLetters.PendingDeadLettersAsync(Ct));

        Assert.True(await Store.DeadLetters.MarkDeadLetterReplayedAsync(a.Id, DeadAt.AddHours(1), "folded into prf_1", Ct));
        Assert.False(await Store.DeadLetters.MarkDeadLetterReplayedAsync(a.Id, DeadAt.AddHours(2), "again", Ct));
        Assert.False(await Store.DeadLetters.MarkDeadLetterReplayedAsync(a.Id + 1000, DeadAt, "unknown", Ct));

        var replayed = await Store.DeadLetters.GetDeadLetterAsync(a.Id, Ct);
        Assert.Equal((DateTimeOffset?)DeadAt.AddHours(1), replayed!.ReplayedAt);
        Assert.Equal("folded into prf_1", replayed.ReplayNote);
        Assert.Equal(new Dictionary<string, long> { ["profiles"] = 1, ["deliveries"] = 1 }, await Store.DeadLetters.PendingDeadLettersAsync(Ct));
    }

    [Fact]
    public async Task Dead_letters_of_a_pipeline_commit_are_stored_with_its_position_or_not_at_all()
    {
        await Store.Profiles.CommitAsync(EmptyChanges(0, 5) with { DeadLetters = [Letter("profiles", "5")] }, Ct);
        Assert.Equal(5, await Store.Positions.PositionAsync(Followers.Profiles, Ct));
        Assert.Equal(["5"], (await Store.DeadLetters.ListDeadLettersAsync(new("profiles"), Ct)).Select(d => d.Key));

        // A commit that lost the race to another pipeline stores nothing, its dead letters included.
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Profiles.CommitAsync(EmptyChanges(0, 9) with { DeadLetters = [Letter("profiles", "9")] }, Ct));
        Assert.Equal(5, await Store.Positions.PositionAsync(Followers.Profiles, Ct));
        Assert.Equal(["5"], (await Store.DeadLetters.ListDeadLettersAsync(new("profiles"), Ct)).Select(d => d.Key));
    }
}
