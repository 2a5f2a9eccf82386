using System.Text;

namespace Tailor.Core.Content;

/// <summary>A string writer that counts what is written against the render's output budget and checks the clock.</summary>
internal sealed class MeteredWriter(RenderMeter meter) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    public override void Write(char value)
    {
        meter.AddOutput(value < 0x80 ? 1 : 3);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        meter.AddOutput(Encoding.UTF8.GetByteCount(buffer, index, count));
        base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        meter.AddOutput(Encoding.UTF8.GetByteCount(buffer));
        base.Write(buffer);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        meter.AddOutput(Encoding.UTF8.GetByteCount(value));
        base.Write(value);
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    /// <summary>Appends a block's output, already counted when the block wrote it.</summary>
    public void AppendCounted(string value) => GetStringBuilder().Append(value);
}
