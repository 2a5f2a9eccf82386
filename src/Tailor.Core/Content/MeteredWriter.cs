using System.Text;
using Fluid;

namespace Tailor.Core.Content;

/// <summary>
/// The output a render writes into: counts what is written against the render's output budget (UTF-8 bytes) and
/// checks the clock on every write, so a template that writes forever stops at its budget.
/// </summary>
internal sealed class MeteredWriter(RenderMeter meter) : IFluidOutput
{
    private readonly StringBuilder _text = new();
    private char[] _buffer = [];

    public void Write(string value)
    {
        meter.AddOutput(Encoding.UTF8.GetByteCount(value));
        _text.Append(value);
    }

    public void Write(char[] buffer, int index, int count)
    {
        var span = buffer.AsSpan(index, count);
        meter.AddOutput(Encoding.UTF8.GetByteCount(span));
        _text.Append(span);
    }

    public Span<char> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public Memory<char> GetMemory(int sizeHint = 0)
    {
        var size = Math.Max(sizeHint, 256);
        if (_buffer.Length < size) _buffer = new char[size];
        return _buffer;
    }

    /// <summary>Takes what Fluid wrote into the span from <see cref="GetSpan"/>.</summary>
    public void Advance(int count) => Write(_buffer, 0, count);

    public ValueTask FlushAsync() => ValueTask.CompletedTask;

    /// <summary>Appends a block's output, already counted when the block wrote it.</summary>
    public void AppendCounted(string value) => _text.Append(value);

    public override string ToString() => _text.ToString();
}
