using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Ast;
using Fluid.Values;
using Tailor.Core.Limits;

namespace Tailor.Core.Content;

/// <summary>
/// Tailor's Liquid: Fluid configured once (parser, filters, options) and shared. Templates are parsed at save time
/// into immutable <see cref="ParsedTemplate"/>s and rendered many times; output is HTML-escaped unless a template
/// asks for <c>| raw</c>. Blocks are included with <c>{% block "name" %}</c>. Every render keeps to one
/// <see cref="RenderBudget"/> shared with the blocks it includes; a template larger than
/// <see cref="DefinitionLimits.MaxTemplateBytes"/> does not parse.
/// </summary>
public sealed partial class LiquidEngine
{
    private const string SessionKey = "tailor.session";
    /// <summary>How deep blocks may include blocks: enough for real layouts, and a loop cannot hang a render.</summary>
    private const int MaxBlockDepth = 8;
    /// <summary>How deep snippets may include snippets (<c>include</c>/<c>render</c>), the same bound as blocks.</summary>
    private const int MaxSnippetDepth = 8;

    private readonly FluidParser _parser;
    private readonly TemplateOptions _options;
    private readonly RenderBudget _budget;
    private readonly DefinitionLimits _limits;
    private readonly TimeProvider _time;
    private readonly SnippetResolver _snippets;

    /// <summary>The definition limits this engine parses templates under; block conditions are checked against the same.</summary>
    public DefinitionLimits Limits => _limits;

    /// <param name="budget">What one render may cost (default <see cref="RenderBudget.Default"/>).</param>
    /// <param name="limits">How large a template may be (default <see cref="DefinitionLimits.Default"/>).</param>
    /// <param name="time">The clock a render's duration is measured on.</param>
    public LiquidEngine(RenderBudget? budget = null, DefinitionLimits? limits = null, TimeProvider? time = null)
    {
        _budget = budget ?? RenderBudget.Default;
        _limits = limits ?? DefinitionLimits.Default;
        _time = time ?? TimeProvider.System;
        // The Liquid tag and identifiers ending in '?' are Shopify's syntax; functions (a Fluid extension) stay off.
        _parser = new FluidParser(new FluidParserOptions { AllowFunctions = false, AllowParentheses = true, AllowLiquidTag = true, AllowTrailingQuestionMark = true });
        _parser.RegisterExpressionTag("block", RenderBlockTagAsync);
        // Fluid's own operators, not Liquid's: a template written here must also render on Shopify, Braze or Klaviyo.
        _parser.RegisteredOperators.Remove("startswith");
        _parser.RegisteredOperators.Remove("endswith");
        _snippets = new SnippetResolver();
        LiquidFilters.Prepare();
        _options = new TemplateOptionsBuilder()
            // Names are case-sensitive, as in Shopify's Liquid and in Tailor's traits.
            .WithModelNamesComparer(StringComparer.Ordinal)
            .WithTimeZone(TimeZoneInfo.Utc)
            .WithMaxSteps(_budget.MaxSteps)
            // How deep include/render may nest: a snippet that renders itself stops here, with an error.
            .WithMaxRecursion(MaxSnippetDepth)
            .ConfigureFilters(LiquidFilters.Register)
            .AddValueConverter(value => value is ReadableList list
                ? new ReadableListValue(list, ArrayValue.Create([.. list.Select(item => FluidValue.Create(item, _options))]))
                : null)
            // Output is counted as it is written, but a variable can grow without being written: {% assign s = s | append: s %}
            // doubles it on every loop iteration. Assigned and captured values are held to the same budget.
            .WithAssigned(CheckVariable)
            .WithCaptured(CheckVariable)
            // include/render read stored snippets by name (never files), already parsed and held to the limits.
            .WithFileProvider(_snippets)
            .WithTemplateCache(_snippets)
            .WithDefaultFileExtension("")
            .WithTemplateParsed((_, template) => BudgetRewriter.Apply(template))
            .Build();
    }

    /// <summary>
    /// What a template can throw while rendering (a filter given a value it cannot take, a division by zero, too many
    /// steps): reported as a render failure or, in a block, answered with the fallback. Cancellation still propagates.
    /// </summary>
    private static bool IsRenderFailure(Exception e) => e is not OperationCanceledException;

    private ValueTask<FluidValue> CheckVariable(string identifier, FluidValue value, TemplateContext context)
    {
        if (value is StringValue && value.ToStringValue(context) is { } text && text.Length > _budget.MaxOutputBytes)
            throw new RenderBudgetExceededException(nameof(RenderBudget.MaxOutputBytes), $"the variable '{identifier}' grew past {_budget.MaxOutputBytes} characters");
        if (value is ArrayValue array && array.Values.Count > _budget.MaxRangeLength)
            throw new RenderBudgetExceededException(nameof(RenderBudget.MaxRangeLength), $"the variable '{identifier}' grew past {_budget.MaxRangeLength} items");
        return new ValueTask<FluidValue>(value);
    }

    /// <summary>The budget error behind a render failure (Fluid's own step limit included); else the failure itself.</summary>
    private static Exception Explain(Exception e, RenderMeter meter, TemplateContext context) =>
        e as RenderBudgetExceededException ?? (Exception?)meter.StepsExceeded(context) ?? e;

    [GeneratedRegex(@"at \((\d+):(\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorPosition();

    /// <summary>Parses Liquid; on failure the error carries the 1-based line and column.</summary>
    public bool TryParseTemplate(string source, out ParsedTemplate template, out TemplateSyntaxError error)
    {
        template = null!;
        error = null!;
        if (source.Length > _limits.MaxTemplateBytes || System.Text.Encoding.UTF8.GetByteCount(source) > _limits.MaxTemplateBytes)
        {
            error = new TemplateSyntaxError(1, 1, $"the template must be at most {_limits.MaxTemplateBytes} bytes (limit MaxTemplateBytes)");
            return false;
        }
        if (LiquidNesting.Check(source, _limits) is { } tooDeep)
        {
            error = tooDeep;
            return false;
        }
        if (!_parser.TryParse(source, out var fluid, out var message))
        {
            error = SyntaxError(message ?? "invalid template");
            return false;
        }
        template = new ParsedTemplate(source, BudgetRewriter.Apply(fluid), VariableReference.Scan(source), BlockNames(source));
        return true;
    }

    /// <exception cref="TemplateSyntaxException">The source does not parse.</exception>
    public ParsedTemplate Parse(string source) =>
        TryParseTemplate(source, out var template, out var error) ? template : throw new TemplateSyntaxException(error);

    private static TemplateSyntaxError SyntaxError(string message)
    {
        // Fluid appends the source after "Source:"; the position is "at (line:column)".
        var first = message.Split('\n')[0].Trim();
        var m = ErrorPosition().Match(first);
        if (!m.Success) return new TemplateSyntaxError(1, 1, first);
        var text = first[..m.Index].Trim();
        return new TemplateSyntaxError(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            text.Length == 0 ? first : text);
    }

    [GeneratedRegex(@"\{%-?\s*block\s+(?:""(?<n>[^""]*)""|'(?<n>[^']*)')", RegexOptions.CultureInvariant)]
    private static partial Regex BlockTag();

    private static string[] BlockNames(string source) =>
        [.. BlockTag().Matches(source).Select(m => m.Groups["n"].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>Parses every body of a block; the first error names the field (<c>variants[1].body</c>, <c>default.localized.de</c>).</summary>
    public CompiledBlock CompileBlock(ContentBlock block)
    {
        var variants = new Dictionary<string, CompiledContent>(StringComparer.Ordinal);
        for (var i = 0; i < block.Variants.Count; i++)
            variants[block.Variants[i].Name] = Compile(block.Variants[i].Content, $"variants[{i}]");
        return new CompiledBlock(block, variants, Compile(block.Default, "default"));
    }

    private CompiledContent Compile(BlockContent content, string field)
    {
        var body = TryParseTemplate(content.Body, out var t, out var e) ? t : throw new BlockContentException($"{field}.body", e);
        var localized = new Dictionary<string, ParsedTemplate>(StringComparer.OrdinalIgnoreCase);
        foreach (var (language, text) in content.Localized)
            localized[language] = TryParseTemplate(text, out var lt, out var le) ? lt : throw new BlockContentException($"{field}.localized.{language}", le);
        return new CompiledContent(body, localized);
    }

    /// <summary>Renders a template for one scope. In strict mode every variable without a value is reported with its line.</summary>
    /// <exception cref="TemplateRenderException">The template failed while rendering (blocks never do: they fall back).</exception>
    public async ValueTask<RenderResult> RenderAsync(ParsedTemplate template, RenderScope scope, RenderSettings settings, CancellationToken cancellationToken)
    {
        var session = Start(scope, settings, cancellationToken, out var context);
        string output;
        try
        {
            output = await session.RenderAsync(template, context, Encoder);
        }
        catch (Exception e) when (IsRenderFailure(e))
        {
            var cause = Explain(e, session.Meter, context);
            throw new TemplateRenderException($"the template failed while rendering: {cause.Message}", cause);
        }
        if (settings.Strict) session.CollectMissing(template, null);
        return new RenderResult(output, session.Missing, session.Choices);
    }

    /// <summary>
    /// Renders a template over plain data with nothing escaped: for plain-text email parts and for measuring this
    /// engine against the Liquid conformance suite. Same parser, filters and options as every other render.
    /// </summary>
    /// <param name="snippets">Where <c>render</c> and <c>include</c> find snippets by name (none when null).</param>
    public async ValueTask<string> RenderPlainAsync(ParsedTemplate template, IReadOnlyDictionary<string, object?> data, CultureInfo? culture = null,
        BlockLibrary? snippets = null, CancellationToken cancellationToken = default)
    {
        var context = new TemplateContext(_options, StringComparer.Ordinal) { CultureInfo = culture ?? CultureInfo.InvariantCulture };
        foreach (var (name, value) in data) context.SetValue(name, FluidValue.Create(value, _options));
        var meter = new RenderMeter(_budget, _time, cancellationToken);
        context.AmbientValues[BudgetRewriter.MeterKey] = meter;
        if (snippets is not null) context.AmbientValues[SnippetResolver.LibraryKey] = snippets;
        var writer = new MeteredWriter(meter);
        try
        {
            await template.Fluid.RenderAsync(writer, NullEncoder.Default, context);
        }
        catch (Exception e) when (IsRenderFailure(e) && Explain(e, meter, context) is RenderBudgetExceededException budget)
        {
            throw budget;
        }
        return writer.ToString();
    }

    /// <summary>Renders a subject line: the same scope as the body, nothing HTML-escaped (a subject is plain text).</summary>
    public ValueTask<string> RenderPlainSubjectAsync(ParsedTemplate template, RenderScope scope, CancellationToken cancellationToken) =>
        RenderTextAsync(template, scope, "subject", cancellationToken);

    /// <summary>
    /// Renders plain text for one scope, nothing HTML-escaped: a subject, a From or an address, the text part of an
    /// email, a value a trigger writes. Same scope, filters and budget as <see cref="RenderAsync"/>.
    /// </summary>
    /// <param name="what">What is rendered, for the error (<c>subject</c>, <c>body</c>, ...).</param>
    /// <exception cref="TemplateRenderException">The template failed while rendering.</exception>
    public async ValueTask<string> RenderTextAsync(ParsedTemplate template, RenderScope scope, string what, CancellationToken cancellationToken)
    {
        var session = Start(scope, RenderSettings.Default, cancellationToken, out var context);
        try
        {
            return await session.RenderAsync(template, context, NullEncoder.Default);
        }
        catch (Exception e) when (IsRenderFailure(e))
        {
            var cause = Explain(e, session.Meter, context);
            throw new TemplateRenderException($"the {what} failed while rendering: {cause.Message}", cause);
        }
    }

    /// <summary>Renders one block for a scope (a placement): the variant chosen and why, falling back to the default.</summary>
    public async ValueTask<BlockRender> RenderBlockAsync(CompiledBlock block, RenderScope scope, RenderSettings settings, CancellationToken cancellationToken)
    {
        var session = Start(scope, settings, cancellationToken, out var context);
        var writer = new MeteredWriter(session.Meter);
        var choice = await session.RenderBlockAsync(block, writer, context);
        return new BlockRender(writer.ToString(), choice, session.Missing);
    }

    private RenderSession Start(RenderScope scope, RenderSettings settings, CancellationToken cancellationToken, out TemplateContext context)
    {
        var culture = ScopeModel.CultureOf(settings.Locale ?? ScopeModel.LocaleOf(scope.Profile, scope.Request));
        var zone = ScopeModel.TimeZoneOf(scope.Profile);
        var model = ScopeModel.Build(scope, culture, zone);
        var session = new RenderSession(this, scope, settings, model, culture, zone, new RenderMeter(_budget, _time, cancellationToken));
        context = session.NewContext();
        return session;
    }

    /// <summary>Escapes what HTML needs (&amp; &lt; &gt; quotes) and leaves every other character as written: names and
    /// dates in any language stay readable in the email source.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    private static async ValueTask<Completion> RenderBlockTagAsync(Expression expression, IFluidOutput writer, TextEncoder encoder, TemplateContext context)
    {
        var name = (await expression.EvaluateAsync(context)).ToStringValue(context);
        if (context.AmbientValues.TryGetValue(SessionKey, out var s) && s is RenderSession session)
        {
            session.Meter.Check();
            if (session.Depth >= MaxBlockDepth) return Completion.Normal;
            if (session.Settings.Blocks?.Find(name) is { } block) await session.RenderBlockAsync(block, writer, context);
            else session.BlockMissing(name);
        }
        return Completion.Normal;
    }

    /// <summary>The state of one render: what it reads, the blocks chosen, the missing variables found.</summary>
    private sealed class RenderSession(LiquidEngine engine, RenderScope scope, RenderSettings settings, Dictionary<string, object?> model,
        CultureInfo culture, TimeZoneInfo zone, RenderMeter meter)
    {
        public RenderMeter Meter { get; private set; } = meter;

        /// <summary>Set once a block's default was given a fresh budget, so a render gets at most one second chance.</summary>
        private bool _fallbackGranted;

        /// <summary>Renders into a writer that counts output; the context's statement count is what the render used.</summary>
        public async ValueTask<string> RenderAsync(ParsedTemplate template, TemplateContext context, TextEncoder encoder)
        {
            var writer = new MeteredWriter(Meter);
            await template.Fluid.RenderAsync(writer, encoder, context);
            return writer.ToString();
        }

        /// <summary>
        /// A context over the render's model. Each block renders in its own, so a block that fails half-way (or assigns
        /// variables) leaves nothing behind in the template around it.
        /// </summary>
        public TemplateContext NewContext()
        {
            var context = new TemplateContext(engine._options, StringComparer.Ordinal) { CultureInfo = culture, TimeZone = zone };
            var now = scope.Now;
            context.Now = () => now;
            foreach (var (name, value) in model) context.SetValue(name, FluidValue.Create(value, engine._options));
            context.AmbientValues[SessionKey] = this;
            context.AmbientValues[BudgetRewriter.MeterKey] = Meter;
            if (Settings.Blocks is { } library) context.AmbientValues[SnippetResolver.LibraryKey] = library;
            if (Settings.Currency is { } currency) context.AmbientValues[LiquidFilters.CurrencyKey] = currency;
            return context;
        }

        public RenderSettings Settings { get; } = settings;
        public List<MissingVariable> Missing { get; } = [];
        public List<BlockChoice> Choices { get; } = [];
        public int Depth { get; private set; }

        public void BlockMissing(string name)
        {
            if (Settings.Strict) Missing.Add(new MissingVariable($"block \"{name}\"", 0, false, name));
            Choices.Add(new BlockChoice(name, "none", "no block has this name, so nothing renders"));
        }

        public void CollectMissing(ParsedTemplate template, string? block)
        {
            foreach (var reference in template.References)
                if (IsMissing(reference)) Missing.Add(new MissingVariable(reference.Text, reference.Line, reference.HasDefault, block));
        }

        private bool IsMissing(VariableReference reference) =>
            !ScopeModel.TryResolve(model, reference.Path, out var value)
            || (reference.IsLoopSource && value is System.Collections.ICollection { Count: 0 });

        /// <summary>True when a reference without a default has no value: the variant cannot render as designed.</summary>
        private bool DataMissing(ParsedTemplate template)
        {
            foreach (var reference in template.References)
                if (!reference.HasDefault && IsMissing(reference)) return true;
            return false;
        }

        /// <param name="parent">The context of the template that includes the block: its statement count carries into the block and back.</param>
        public async ValueTask<BlockChoice> RenderBlockAsync(CompiledBlock block, IFluidOutput writer, TemplateContext parent)
        {
            var (variant, reason) = BlockChooser.Choose(block.Definition, scope.Facts, scope.Now);
            var (template, language) = block.ContentOf(variant).For(culture);
            if (variant is not null && DataMissing(template))
            {
                reason += "; its data is missing, so the default renders";
                variant = null;
                (template, language) = block.Default.For(culture);
            }
            Depth++;
            try
            {
                var (output, failure) = await TryRenderAsync(template, parent);
                if (output is null && variant is not null)
                {
                    reason += failure is RenderBudgetExceededException budget
                        ? $"; it went past its render budget ({budget.Limit}), so the default renders"
                        : "; it failed to render, so the default renders";
                    variant = null;
                    (template, language) = block.Default.For(culture);
                    if (failure is RenderBudgetExceededException && !_fallbackGranted)
                    {
                        // The operator's default is the safe answer: it gets one fresh budget of its own.
                        _fallbackGranted = true;
                        Meter = Meter.Fresh();
                        parent = NewContext();
                    }
                    (output, _) = await TryRenderAsync(template, parent);
                }
                if (writer is MeteredWriter metered) metered.AppendCounted(output ?? ""); // counted as the block wrote it
                else writer.Write(output ?? "");
                if (Settings.Strict) CollectMissing(template, block.Definition.Name);
            }
            finally
            {
                Depth--;
            }
            var choice = new BlockChoice(block.Definition.Name, variant?.Name ?? ContentBlock.DefaultVariant, reason, language);
            Choices.Add(choice);
            return choice;
        }

        /// <summary>Renders a block's template in a context of its own that continues the parent's statement count.</summary>
        private async ValueTask<(string? Output, Exception? Failure)> TryRenderAsync(ParsedTemplate template, TemplateContext parent)
        {
            var context = NewContext();
            RenderMeter.CarrySteps(parent, context);
            try
            {
                return (await RenderAsync(template, context, Encoder), null);
            }
            catch (Exception e) when (IsRenderFailure(e))
            {
                return (null, Explain(e, Meter, context)); // a block never breaks the layout around it
            }
            finally
            {
                RenderMeter.CarrySteps(context, parent);
            }
        }
    }
}
