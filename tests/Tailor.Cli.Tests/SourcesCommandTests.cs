using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor sources …</c> for connector sources, run as a child process: create, test with a sample, pause, status.</summary>
public sealed class SourcesCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_webhook_source_is_created_tested_with_a_sample_paused_and_reports_its_status()
    {
        var data = _dir.File("data");
        const string secret = "desk-secret-0123456789";
        var mapping = """
            {"messages": [{"event": "Ticket Created", "userId": "$.ticket.requester.id", "messageId": "$.ticket.id",
                           "properties": {"ticket_id": "$.ticket.id", "subject": {"liquid": "{{ payload.ticket.subject | upcase }}"}, "channel": "support"}}]}
            """;

        var created = await Tailor.RunAsync(_dir.Path, "sources", "create", "helpdesk", "--kind", "webhook", "--secret", secret,
            "--signature-header", "X-Desk-Signature", "--mapping", mapping, "--data", data);
        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Matches(@"Source helpdesk \(src_[A-Za-z0-9_-]+\), kind webhook: senders post to .*/v1/sources/src_", Plain(created.Output));

        // A mapping that does not check out is refused at save, naming the field and the rule.
        var refused = await Tailor.RunAsync(_dir.Path, "sources", "create", "survey", "--kind", "webhook", "--secret", secret,
            "--mapping", """{"messages": [{"event": "Answered"}]}""", "--data", data);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("mapping.messages[0].userId: is required", refused.Output, StringComparison.Ordinal);

        var sample = _dir.File("ticket.json");
        await File.WriteAllTextAsync(sample, """{"ticket": {"id": 4711, "subject": "Broken zipper", "requester": {"id": "cust-9"}}}""", Ct);
        var tested = await Tailor.RunAsync(_dir.Path, "sources", "test", "helpdesk", "--sample", sample, "--data", data);
        Assert.True(tested.ExitCode == 0, tested.Output);
        var message = JsonNode.Parse(tested.Output)!["messages"]!.AsArray().Single()!;
        Assert.Equal("Ticket Created", (string)message["event"]!);
        Assert.Equal("cust-9", (string)message["userId"]!);
        Assert.Equal("BROKEN ZIPPER", (string)message["properties"]!["subject"]!);
        Assert.Equal("support", (string)message["properties"]!["channel"]!);

        var get = await Tailor.RunAsync(_dir.Path, "sources", "get", "helpdesk", "--data", data);
        Assert.Equal(0, get.ExitCode);
        Assert.DoesNotContain(secret, get.Output, StringComparison.Ordinal); // secrets are never printed

        var paused = await Tailor.RunAsync(_dir.Path, "sources", "pause", "helpdesk", "--data", data);
        Assert.Equal(0, paused.ExitCode);
        Assert.Contains("Source helpdesk is paused", Plain(paused.Output), StringComparison.Ordinal);
        var status = JsonNode.Parse((await Tailor.RunAsync(_dir.Path, "sources", "status", "helpdesk", "--data", data)).Output)!;
        Assert.Equal("paused", (string)status["state"]!);
        Assert.Equal(0L, (long)status["events"]!);
        Assert.Equal(0L, (long)status["deadLetters"]!);

        Assert.Contains("Source helpdesk is active", Plain((await Tailor.RunAsync(_dir.Path, "sources", "resume", "helpdesk", "--data", data)).Output), StringComparison.Ordinal);
        Assert.Equal("active", (string)JsonNode.Parse((await Tailor.RunAsync(_dir.Path, "sources", "status", "helpdesk", "--data", data)).Output)!["state"]!);
        var missing = await Tailor.RunAsync(_dir.Path, "sources", "status", "nope", "--data", data);
        Assert.NotEqual(0, missing.ExitCode);
    }

    /// <summary>The output without the terminal's bold marks.</summary>
    private static string Plain(string output) => Regex.Replace(output, @"\x1b\[[0-9;]*m", "");
}
