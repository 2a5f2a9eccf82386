using Tailor.Analytics.Lifetime;

namespace Tailor.Analytics.Tests.Lifetime;

public sealed class TransactionCsvTests
{
    [Fact]
    public void Reads_dates_in_the_three_accepted_forms()
    {
        var rows = TransactionCsv.Read(new StringReader("customer_id,date,amount\nu1,2024-03-05,12.50\nu2,20240306,3\nu1,2024-03-07T23:30:00-02:00,1e1\n"));
        Assert.Equal([new Transaction("u1", new(2024, 3, 5), 12.5), new("u2", new(2024, 3, 6), 3), new("u1", new(2024, 3, 8), 10)], rows);
    }

    [Theory]
    [InlineData("id,date,amount\n", "Line 1")]
    [InlineData("customer_id,date,amount\nu1,5 March,3\n", "Line 2: date")]
    [InlineData("customer_id,date,amount\nu1,2024-03-05,3\nu1,2024-03-05,abc\n", "Line 3: amount")]
    [InlineData("customer_id,date,amount\n,2024-03-05,3\n", "Line 2")]
    [InlineData("", "empty")]
    public void A_bad_file_is_refused_naming_the_line(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => TransactionCsv.Read(new StringReader(text))).Message);

    [Fact]
    public void Rows_beyond_the_limit_are_refused() =>
        Assert.Contains("more than", Assert.Throws<FormatException>(() =>
            TransactionCsv.Read(new StringReader("customer_id,date,amount\na,2024-01-01,1\nb,2024-01-01,1\n"), maxRows: 1)).Message);
}
