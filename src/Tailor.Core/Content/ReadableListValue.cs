using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Tailor.Core.Content;

/// <summary>Fluid's view of a <see cref="ReadableList"/>: a list in every way except what it prints.</summary>
internal sealed class ReadableListValue(ReadableList list, ArrayValue items) : FluidValue
{
    public override FluidValues Type => FluidValues.Array;

    public override bool Equals(FluidValue other) => items.Equals(other);

    public override bool ToBooleanValue(TemplateContext context) => items.ToBooleanValue(context);

    public override decimal ToNumberValue(TemplateContext context) => items.ToNumberValue(context);

    public override string ToStringValue(TemplateContext context) => list.Text;

    public override object ToObjectValue(TemplateContext context) => items.ToObjectValue(context);

    public override ValueTask WriteToAsync(IFluidOutput output, TextEncoder encoder, TemplateContext context)
    {
        output.Write(encoder.Encode(list.Text));
        return ValueTask.CompletedTask;
    }

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => items.GetValueAsync(name, context);

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) => items.GetIndexAsync(index, context);

    public override IAsyncEnumerable<FluidValue> EnumerateAsync(TemplateContext context) => items.EnumerateAsync(context);

    public override ValueTask<bool> ContainsAsync(FluidValue value, TemplateContext context) => items.ContainsAsync(value, context);

    public override int GetHashCode() => items.GetHashCode();

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);
}
