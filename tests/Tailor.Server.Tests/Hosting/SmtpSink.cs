using MimeKit;

namespace Tailor.Server.Tests.Hosting;

/// <summary>
/// The real SMTP server the tests send to (exim from Debian, started by scripts/test.sh), named by
/// <c>TAILOR_TEST_SMTP=host:port</c>, which delivers every message as one file into <c>TAILOR_TEST_SMTP_MAILDIR</c>/new.
/// Tests find their mail by a recipient address unique to the test. Skipped without the variables, failing on CI.
/// </summary>
public static class SmtpSink
{
    public const string AddressVariable = "TAILOR_TEST_SMTP";
    public const string MaildirVariable = "TAILOR_TEST_SMTP_MAILDIR";

    /// <summary><c>host:port</c> of the sink, as <c>TAILOR_SMTP</c> takes it.</summary>
    public static string Address => Require(AddressVariable);

    /// <summary>A recipient address no other test uses.</summary>
    public static string NewRecipient(string hint = "test") => $"{hint}-{Guid.NewGuid():N}@example.test";

    /// <summary>Every message delivered to <paramref name="recipient"/> so far.</summary>
    public static IReadOnlyList<MimeMessage> MessagesTo(string recipient)
    {
        var found = new List<MimeMessage>();
        var directory = Path.Combine(Require(MaildirVariable), "new");
        if (!Directory.Exists(directory)) return found;
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            // Exim writes Envelope-to; a cheap text check first keeps this fast with thousands of files.
            var text = File.ReadAllText(file);
            if (!text.Contains(recipient, StringComparison.OrdinalIgnoreCase)) continue;
            using var stream = File.OpenRead(file);
            var message = MimeMessage.Load(stream);
            if (message.To.Mailboxes.Any(m => string.Equals(m.Address, recipient, StringComparison.OrdinalIgnoreCase)))
                found.Add(message);
        }
        return found;
    }

    /// <summary>How many messages each recipient whose address contains <paramref name="addressPart"/> got, reading the Maildir once.</summary>
    public static Dictionary<string, int> CountByRecipient(string addressPart)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var directory = Path.Combine(Require(MaildirVariable), "new");
        if (!Directory.Exists(directory)) return counts;
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (!File.ReadAllText(file).Contains(addressPart, StringComparison.OrdinalIgnoreCase)) continue;
            using var stream = File.OpenRead(file);
            foreach (var to in MimeMessage.Load(stream).To.Mailboxes)
                if (to.Address.Contains(addressPart, StringComparison.OrdinalIgnoreCase)) counts[to.Address] = counts.GetValueOrDefault(to.Address) + 1;
        }
        return counts;
    }

    /// <summary>Waits (real time: delivery into the Maildir is the SMTP server's own work) until <paramref name="count"/> messages arrived.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> WaitForAsync(string recipient, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var messages = MessagesTo(recipient);
            if (messages.Count >= count || DateTime.UtcNow > deadline) return messages;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static string Require(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"{variable} is not set: on CI the email tests must run against the real SMTP sink (scripts/test.sh starts one).");
        Assert.Skip($"Email tests skipped: set {AddressVariable} and {MaildirVariable} (scripts/test.sh starts exim and sets them).");
        return ""; // not reached
    }
}
