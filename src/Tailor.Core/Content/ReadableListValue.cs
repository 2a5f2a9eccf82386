using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Tailor.Core.Content;

/// <summary>Fluid's view of a <see cref="ReadableList"/>: a list in every way except what it prints.</summary>
internal sealed class ReadableListValue(ReadableList list, ArrayValue items) : FluidValue
{
    public override FluidValues Type => FluidValues.Array;

    public override bool Equals(FluidValue other) => items.Equals(other);

    public override bool ToBooleanValue() => items.ToBooleanValue();

    public override decimal ToNumberValue() => items.ToNumberValue();

    public override string ToStringValue() => list.Text;

    public override object ToObjectValue() => items.ToObjectValue();

    [Obsolete("Fluid renders through WriteToAsync")]
    public override void WriteTo(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => writer.Write(encoder.Encode(list.Text));

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => new(writer.WriteAsync(encoder.Encode(list.Text)));

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => items.GetValueAsync(name, context);

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) => items.GetIndexAsync(index, context);

    public override IEnumerable<FluidValue> Enumerate(TemplateContext context) => items.Enumerate(context);

    public override bool Contains(FluidValue value) => items.Contains(value);

    public override int GetHashCode() => items.GetHashCode();

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);
}
