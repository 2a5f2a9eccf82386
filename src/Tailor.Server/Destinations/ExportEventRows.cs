using System.Buffers;
using System.Text;
using System.Text.Json;
using Tailor.Core.Destinations;
using Tailor.Core.Events;

namespace Tailor.Server.Destinations;

/// <summary>
/// Builds the Parquet export's event rows as the store reads them (<see cref="IAssignedEventVisitor"/>): the payload's
/// UTF-8 is scanned once with a <see cref="Utf8JsonReader"/> for <c>properties</c> (or <c>traits</c>) and its
/// <c>revenue</c>/<c>total</c>, and only that object is copied, as characters, into blocks rented from the shared
/// pool: no string, document or array per event. Give the blocks back with <see cref="Dispose"/> once written.
/// </summary>
/// <param name="capacity">The rows expected (the batch size): the list is made once at that size rather than grown.</param>
internal sealed class ExportEventRows(int capacity = 0) : IAssignedEventVisitor, IDisposable
{
    private const int BlockChars = 1 << 16;

    private readonly List<char[]> _blocks = [];
    private char[]? _block;
    private int _used;

    public List<ExportEvent> Rows { get; } = new(capacity);

    public void Visit(in AssignedEventColumns e, ReadOnlySpan<byte> payload)
    {
        var properties = Fields(payload, e.Type is EventType.Identify or EventType.Group ? "traits"u8 : "properties"u8, out var revenue);
        Rows.Add(new ExportEvent(e.Sequence, e.MessageId, e.Type.ToWire(), e.Name, e.ProfileId, e.UserId, e.AnonymousId,
            e.Timestamp.UtcDateTime, e.ReceivedAt.UtcDateTime, e.SourceId, revenue, properties.IsEmpty ? null : Copy(properties)));
    }

    /// <summary>
    /// The raw JSON of the payload's top-level object <paramref name="name"/> (empty when absent or not an object; the
    /// last one when named twice, as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> reads it) and
    /// its <c>revenue</c>, else <c>total</c>, when that is a number (a <c>revenue</c> that is not one gives none).
    /// </summary>
    internal static ReadOnlySpan<byte> Fields(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> name, out double? revenue)
    {
        revenue = null;
        var reader = new Utf8JsonReader(payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return default;
        ReadOnlySpan<byte> found = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (!match || reader.TokenType != JsonTokenType.StartObject)
            {
                if (match) { found = default; revenue = null; }
                reader.Skip();
                continue;
            }
            var start = (int)reader.TokenStartIndex;
            bool revenueSeen = false, revenueNumber = false, totalNumber = false;
            double revenueValue = 0, totalValue = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRevenue = reader.ValueTextEquals("revenue"u8);
                var isTotal = !isRevenue && reader.ValueTextEquals("total"u8);
                reader.Read();
                if (isRevenue)
                {
                    revenueSeen = true;
                    revenueNumber = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out revenueValue);
                }
                else if (isTotal) totalNumber = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out totalValue);
                reader.Skip();
            }
            found = payload[start..(int)reader.BytesConsumed];
            revenue = revenueSeen ? (revenueNumber ? revenueValue : null) : totalNumber ? totalValue : null;
        }
        return found;
    }

    private ReadOnlyMemory<char> Copy(ReadOnlySpan<byte> utf8)
    {
        var length = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (_block is null || _block.Length - _used < length)
        {
            _block = ArrayPool<char>.Shared.Rent(Math.Max(BlockChars, length));
            _blocks.Add(_block);
            _used = 0;
        }
        var written = Encoding.UTF8.GetChars(utf8, _block.AsSpan(_used));
        var copy = new ReadOnlyMemory<char>(_block, _used, written);
        _used += written;
        return copy;
    }

    public void Dispose()
    {
        foreach (var block in _blocks) ArrayPool<char>.Shared.Return(block);
        _blocks.Clear();
        _block = null;
    }
}
