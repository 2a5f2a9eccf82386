using System.Globalization;
using System.Net;
using System.Text;
using Tailor.Core.Segments.Text;
using Tailor.Core.Triggers;

namespace Tailor.Server.Dashboard.Components;

/// <summary>
/// A trigger drawn as a flow, as SVG made on the server: the start, each step in order (waits, conditions with their
/// two branches, actions, exits) and the end. Journeys only jump forward, so steps stand in one column, the step
/// after each is straight below it, and a jump further down is a labelled arc on the right.
/// </summary>
public static class JourneyFlow
{
    private const int Width = 560, BoxWidth = 380, BoxHeight = 44, Gap = 30, Left = 20;

    public static string Svg(TriggerDefinition trigger)
    {
        var nodes = new List<string> { Start(trigger.Start) };
        nodes.AddRange(trigger.Steps.Select(Describe));
        nodes.Add(trigger.Goal is { } goal ? $"End (or when \"{goal}\" happens: goal reached)" : "End");
        var end = nodes.Count - 1;
        var edges = new List<(int From, int To, string Label)> { (0, 1, "") };
        for (var i = 0; i < trigger.Steps.Count; i++)
        {
            var node = i + 1;
            int Target(string target) => target switch
            {
                StepTargets.Next => node + 1,
                StepTargets.Exit => end,
                _ => trigger.IndexOf(target) is >= 0 and var index ? index + 1 : end,
            };
            switch (trigger.Steps[i])
            {
                case WaitStep wait when wait.Until is not null:
                    edges.Add((node, Target(wait.OnEvent), $"on {wait.Until}"));
                    edges.Add((node, Target(wait.OnTimeout), "timeout"));
                    break;
                case WaitStep wait:
                    edges.Add((node, Target(wait.OnTimeout), ""));
                    break;
                case ConditionStep condition:
                    edges.Add((node, Target(condition.Then), "yes"));
                    edges.Add((node, Target(condition.Else), "no"));
                    break;
                case ExitStep:
                    edges.Add((node, end, ""));
                    break;
                default:
                    edges.Add((node, node + 1, ""));
                    break;
            }
        }

        var height = nodes.Count * (BoxHeight + Gap);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"flow\" role=\"img\" aria-label=\"Flow of {Encode(trigger.Name)}: {nodes.Count - 2} steps\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#6b7580\"/></marker></defs>");
        var arcs = 0;
        foreach (var (from, to, label) in edges.Distinct())
        {
            var x = Left + BoxWidth / 2;
            var y1 = Top(from) + BoxHeight;
            var y2 = Top(to);
            if (to == from + 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<path class=\"edge\" d=\"M{x},{y1} L{x},{y2 - 2}\"/>");
                if (label.Length > 0) svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 6}\" y=\"{y1 + 18}\">{Encode(label)}</text>");
            }
            else
            {
                var reach = Left + BoxWidth + 20 + (arcs++ % 4) * 28;
                var from2 = Top(from) + BoxHeight / 2;
                var to2 = y2 + BoxHeight / 2;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<path class=\"edge\" d=\"M{Left + BoxWidth},{from2} C{reach},{from2} {reach},{to2} {Left + BoxWidth + 2},{to2}\"/>");
                if (label.Length > 0) svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{reach - 24}\" y=\"{(from2 + to2) / 2}\">{Encode(label)}</text>");
            }
        }
        for (var i = 0; i < nodes.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top(i)}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 10}\" y=\"{Top(i) + 27}\">{Encode(Shorten(nodes[i]))}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static int Top(int node) => 8 + node * (BoxHeight + Gap);

    private static string Start(TriggerStart start) => start switch
    {
        EventStart e => $"Start: {e.Event}" + (e.If is null ? "" : $" if {RulePrinter.Print(e.If)}"),
        SegmentStart s => $"Start: {(s.OnEntry ? "enters" : "exits")} segment {s.Segment}",
        ScheduleStart s => $"Start: every {Duration(s.Every)} if {RulePrinter.Print(s.If)}",
        _ => "Start",
    };

    private static string Describe(JourneyStep step) => step switch
    {
        WaitStep w => $"{step.Id}: wait {Duration(w.Duration)}" + (w.Until is null ? "" : $" or until {w.Until}"),
        ConditionStep c => $"{step.Id}: if {RulePrinter.Print(c.If)}",
        ActionStep a => $"{step.Id}: {a.Action.Kind}" + (a.Action is EmailAction { Template: { } t } ? $" ({t})" : ""),
        ExitStep x => $"{step.Id}: exit ({x.Reason})",
        _ => step.Id,
    };

    private static string Duration(TimeSpan d) =>
        d.TotalDays >= 1 && d.TotalDays % 1 == 0 ? $"{d.TotalDays:0}d" : d.TotalHours >= 1 && d.TotalHours % 1 == 0 ? $"{d.TotalHours:0}h" : $"{d.TotalMinutes:0.#}m";

    private static string Shorten(string text) => text.Length <= 52 ? text : text[..51] + "…";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
