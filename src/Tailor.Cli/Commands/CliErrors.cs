using Spectre.Console;

namespace Tailor.Cli.Commands;

/// <summary>How every command reports bad input: <c>error: field: rule</c> and exit code 2.</summary>
internal static class CliErrors
{
    public static int Error(string field, string rule)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(field)}: {Markup.Escape(rule)}");
        return 2;
    }
}
