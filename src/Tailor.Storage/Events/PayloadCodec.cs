using System.Buffers;
using System.Text;
using System.Text.Json;
using Tailor.Core.Events;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Tailor.Storage.Events;

/// <summary>
/// Compact event payloads for the SQLite log (issue 17): the JSON text compressed with zstd against a fixed dictionary
/// of what Segment messages repeat (keys, the analytics.js context, common event names), stored as a BLOB whose first
/// byte names the format. Rows written before (TEXT, or an older format) read back unchanged, so the log needs no
/// rewrite. The view <c>events</c> decodes with the SQL function <c>tailor_payload</c>, registered on every connection
/// the store opens.
/// </summary>
/// <remarks>
/// <para>Format 1: <c>1</c>, then a zstd frame of the whole text (level 1).</para>
/// <para>Format 2 (bytes per event, migration 0038): the top-level envelope fields whose value the row holds in its
/// own columns — <c>"messageId"</c>, <c>"userId"</c>, <c>"anonymousId"</c>, <c>"type"</c>, <c>"event"</c>, <c>"name"</c>,
/// each only when written exactly <c>"key":"column value"</c> beside a comma — are left out of the compressed text and
/// put back, byte for byte, from the columns when read: <c>2</c>, the varint length of the text compressed, a count,
/// per field left out its key code (+128 when its comma came before it) and the varint offset it goes back to, then a
/// zstd frame without its magic number at level 3. Same dictionary. The load generator's mix: 338 → 286 bytes per payload.
/// Migration 0041 adds a seventh field, <c>"timestamp"</c>, left out when written as ISO 8601 in UTC to the millisecond
/// (<c>2026-12-01T10:20:30.123Z</c>, what analytics.js sends), with its difference from the row's <c>ts</c> after the
/// offset as a zigzag varint (the row's time is the message's corrected by its <c>sentAt</c>, so they differ by the
/// client's clock); rows written before it never name it.</para>
/// <para>The dictionary must never change: stored rows depend on it. Another one is a new format.</para>
/// </remarks>
internal static class PayloadCodec
{
    private const byte Format1 = 1;
    private const byte Format2 = 2;
    // Level 3 with the dictionary: 11 bytes smaller than level 1 on the load generator's mix, for ~10 µs of CPU per event.
    private const int Level = 3;

    /// <summary>The envelope fields format 2 may leave out, by key code (the code is stored: the order must never change).</summary>
    private static readonly byte[][] Keys = [.. new[] { "messageId", "userId", "anonymousId", "type", "event", "name", "timestamp" }.Select(Encoding.UTF8.GetBytes)];

    [ThreadStatic] private static Compressor? t_compressor;
    [ThreadStatic] private static Decompressor? t_decompressor1;
    [ThreadStatic] private static Decompressor? t_decompressor2;
    [ThreadStatic] private static byte[]? t_text;
    [ThreadStatic] private static byte[]? t_stripped;

    /// <summary>The largest decoded payload that goes through the per-thread buffer (larger ones get their own array).</summary>
    private const int MaxBufferedText = 1 << 20;

    private static readonly byte[] Dictionary = Encoding.UTF8.GetBytes(
        """
        {"type":"identify","traits":{"email":"","name":"","first_name":"","last_name":"","phone":"","plan":"","company":"","city":"","country":"","createdAt":"
        {"type":"page","name":"","properties":{"path":"/","url":"https://","title":"","referrer":"https://www.google.com/","search":""},
        {"type":"track","event":"Product Viewed","properties":{"product_id":"","sku":"","category":"","name":"","brand":"","price":,"currency":"USD","quantity":1,"url":"https://","image_url":"https://"},
        {"type":"track","event":"Product Added","properties":{"cart_id":"","product_id":"","sku":"","category":"","name":"","price":,"quantity":1},
        {"type":"track","event":"Order Completed","properties":{"order_id":"","checkout_id":"","total":,"revenue":,"shipping":,"tax":,"discount":0,"coupon":"","currency":"USD","products":[{"product_id":"","sku":"","name":"","price":,"quantity":1,"category":""}]},
        "messageId":"","userId":"user-","anonymousId":"anon-","timestamp":"2026-","sentAt":"","receivedAt":"","originalTimestamp":"","integrations":{},
        "context":{"library":{"name":"analytics.js","version":"next-1.0.0"},"page":{"path":"/","referrer":"","search":"","title":"","url":"https://"},
        "userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
        "userAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "locale":"en-US","timezone":"Europe/","ip":"","campaign":{"name":"","source":"","medium":"","term":"","content":""},"screen":{"width":,"height":,"density":2}}
        """);

    /// <summary>The stored form of a payload (format 2), leaving out the envelope fields <paramref name="columns"/> hold.</summary>
    public static byte[] Encode(string json, in PayloadColumns columns)
    {
        var length = Encoding.UTF8.GetByteCount(json);
        var rented = ArrayPool<byte>.Shared.Rent(2 * length + 16);
        try
        {
            var text = rented.AsSpan(0, length);
            Encoding.UTF8.GetBytes(json, text);
            Span<Cut> cuts = stackalloc Cut[Keys.Length];
            var count = FindCuts(text, columns, cuts);
            // The text without the cut fields, after the text itself in the rented array.
            var stripped = rented.AsSpan(length, length);
            var strippedLength = 0;
            var from = 0;
            Span<byte> header = stackalloc byte[2 + 5 + Keys.Length * 6 + 10]; // + the timestamp's difference, at most 10 bytes
            header[0] = Format2;
            for (var i = 0; i < count; i++)
            {
                var cut = cuts[i];
                text[from..cut.Start].CopyTo(stripped[strippedLength..]);
                strippedLength += cut.Start - from;
                from = cut.End;
            }
            text[from..].CopyTo(stripped[strippedLength..]);
            strippedLength += length - from;

            var at = 1 + WriteVarint(header[1..], strippedLength);
            header[at++] = (byte)count;
            var offset = 0;
            from = 0;
            for (var i = 0; i < count; i++)
            {
                offset += cuts[i].Start - from;
                from = cuts[i].End;
                header[at++] = (byte)(cuts[i].Key | (cuts[i].CommaBefore ? 0x80 : 0));
                at += WriteVarint(header[at..], offset);
                if (cuts[i].Key == TimestampKey) at += WriteSignedVarint(header[at..], cuts[i].Difference);
            }

            var compressor = t_compressor ??= NewCompressor();
            var bound = Compressor.GetCompressBound(strippedLength);
            var buffer = new byte[at + bound];
            header[..at].CopyTo(buffer);
            var written = compressor.Wrap(stripped[..strippedLength], buffer.AsSpan(at));
            return buffer.AsSpan(0, at + written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The JSON text of a stored payload: TEXT as it is, a BLOB decoded by its format byte with the row's columns.</summary>
    public static string? Decode(object? stored, in PayloadColumns columns) => stored switch
    {
        null or DBNull => null,
        string text => text,
        byte[] blob => Encoding.UTF8.GetString(DecodeUtf8(blob, columns, whole: true)),
        _ => throw new InvalidDataException($"An event payload is stored as {stored.GetType().Name}."),
    };

    /// <summary>
    /// The JSON text of a stored payload without the row's columns (the SQL function <c>tailor_payload(payload)</c>): a
    /// format-2 message comes back without the top-level envelope fields left out for its columns; everything else whole.
    /// </summary>
    public static string? DecodeWithoutColumns(object? stored) => stored switch
    {
        null or DBNull => null,
        string text => text,
        byte[] blob => Encoding.UTF8.GetString(DecodeUtf8(blob, default, whole: false)),
        _ => throw new InvalidDataException($"An event payload is stored as {stored.GetType().Name}."),
    };

    /// <summary>
    /// <see cref="DecodeUtf8(object?, in PayloadColumns)"/> without the row's columns, as <see cref="DecodeWithoutColumns"/>:
    /// for a reader of the message's body (properties, context, traits), never of its envelope fields.
    /// </summary>
    public static ReadOnlySpan<byte> DecodeUtf8WithoutColumns(object? stored) =>
        stored is byte[] blob ? DecodeUtf8(blob, default, whole: false) : DecodeUtf8(stored, default);

    /// <summary>
    /// The UTF-8 JSON text of a stored payload (TEXT or a BLOB) in a buffer kept per thread, valid until the next call on
    /// the thread: for readers that copy what they need of it and never need the payload as a string.
    /// </summary>
    public static ReadOnlySpan<byte> DecodeUtf8(object? stored, scoped in PayloadColumns columns)
    {
        switch (stored)
        {
            case string text:
            {
                var buffer = Buffer(ref t_text, Encoding.UTF8.GetMaxByteCount(text.Length));
                return buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
            }
            case byte[] blob:
                return DecodeUtf8(blob, columns, whole: true);
            default:
                throw new InvalidDataException($"An event payload is stored as {stored?.GetType().Name ?? "null"}.");
        }
    }

    private static ReadOnlySpan<byte> DecodeUtf8(byte[] blob, scoped in PayloadColumns columns, bool whole)
    {
        if (blob.Length == 0) throw new InvalidDataException("An event payload is stored as an empty BLOB.");
        switch (blob[0])
        {
            case Format1:
            {
                var decompressor = t_decompressor1 ??= NewDecompressor(magicless: false);
                var frame = blob.AsSpan(1);
                var size = Decompressor.GetDecompressedSize(frame);
                if (size is 0 or > MaxBufferedText) return decompressor.Unwrap(frame);
                var buffer = Buffer(ref t_text, (int)size);
                return buffer.AsSpan(0, decompressor.Unwrap(frame, buffer));
            }
            case Format2:
                return DecodeFormat2(blob, columns, whole);
            default:
                throw new InvalidDataException($"Unknown event payload format {blob[0]}.");
        }
    }

    private static ReadOnlySpan<byte> DecodeFormat2(ReadOnlySpan<byte> blob, scoped in PayloadColumns columns, bool whole)
    {
        var at = 1;
        var strippedLength = ReadVarint(blob, ref at);
        int count = blob[at++];
        if (count > Keys.Length) throw new InvalidDataException($"An event payload (format 2) names {count} fields left out.");
        var entries = blob.Slice(at);
        var extra = 0;
        for (var i = 0; i < count; i++)
        {
            int code = blob[at++];
            _ = ReadVarint(blob, ref at);
            if ((code & 0x7F) == TimestampKey) _ = ReadSignedVarint(blob, ref at);
            if (whole) extra += FieldLength(code & 0x7F, columns);
        }
        var frame = blob[at..];
        var decompressor = t_decompressor2 ??= NewDecompressor(magicless: true);
        if (count == 0 || !whole)
        {
            var only = strippedLength > MaxBufferedText ? new byte[strippedLength] : Buffer(ref t_text, strippedLength);
            if (decompressor.Unwrap(frame, only) != strippedLength) throw new InvalidDataException("An event payload (format 2) has the wrong length.");
            return only.AsSpan(0, strippedLength);
        }
        var stripped = strippedLength > MaxBufferedText ? new byte[strippedLength] : Buffer(ref t_stripped, strippedLength);
        if (decompressor.Unwrap(frame, stripped) != strippedLength) throw new InvalidDataException("An event payload (format 2) has the wrong length.");
        var length = strippedLength + extra;
        var text = length > MaxBufferedText ? new byte[length] : Buffer(ref t_text, length);
        var written = 0;
        var from = 0;
        var e = 0;
        for (var i = 0; i < count; i++)
        {
            int code = entries[e++];
            var offset = ReadVarint(entries, ref e);
            var difference = (code & 0x7F) == TimestampKey ? ReadSignedVarint(entries, ref e) : 0;
            if (offset < from || offset > strippedLength) throw new InvalidDataException("An event payload (format 2) has fields out of order.");
            stripped.AsSpan(from, offset - from).CopyTo(text.AsSpan(written));
            written += offset - from;
            from = offset;
            written += WriteField(text.AsSpan(written), code, columns, difference);
        }
        stripped.AsSpan(from, strippedLength - from).CopyTo(text.AsSpan(written));
        return text.AsSpan(0, written + strippedLength - from);
    }

    /// <summary>
    /// A field format 2 left out: where it was in the text (with its comma), which key it is, and for the timestamp how
    /// far the message's time is from the row's <c>ts</c> (ingestion corrects a client's clock by its <c>sentAt</c>).
    /// </summary>
    private readonly record struct Cut(int Start, int End, int Key, bool CommaBefore, long Difference = 0);

    /// <summary>The top-level envelope fields written exactly <c>"key":"column value"</c> with a comma beside them, in text order.</summary>
    private static int FindCuts(ReadOnlySpan<byte> text, in PayloadColumns columns, Span<Cut> cuts)
    {
        var count = 0;
        var done = 0; // key codes already cut (a repeated key is left in place)
        var free = 0; // text before this offset belongs to an earlier cut
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                var key = KeyCode(reader);
                long difference = 0;
                if (key >= 0 && (done & (1 << key)) == 0 && (key == TimestampKey
                        ? IsTimestampField(text[start..], columns.Timestamp, out var fieldLength, out difference)
                        : Value(key, columns) is { Length: > 0 } value && IsField(text[start..], key, value, out fieldLength)))
                {
                    var end = start + fieldLength;
                    if (end < text.Length && text[end] == (byte)',')
                    {
                        cuts[count++] = new Cut(start, end + 1, key, CommaBefore: false, difference);
                        done |= 1 << key;
                        free = end + 1;
                    }
                    else if (start - 1 >= free && text[start - 1] == (byte)',')
                    {
                        cuts[count++] = new Cut(start - 1, end, key, CommaBefore: true, difference);
                        done |= 1 << key;
                        free = end;
                    }
                }
                reader.Skip(); // the value, nested or not
            }
        }
        catch (JsonException)
        {
            // Not JSON the reader can walk (the log only holds validated messages): nothing is left out.
            return 0;
        }
        return count;
    }

    private static int KeyCode(in Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return -1;
        for (var i = 0; i < Keys.Length; i++)
            if (reader.ValueSpan.SequenceEqual(Keys[i])) return i;
        return -1;
    }

    private static string? Value(int key, in PayloadColumns columns) => key switch
    {
        0 => columns.MessageId,
        1 => columns.UserId,
        2 => columns.AnonymousId,
        3 => columns.Type,
        _ => columns.Name, // event (track) and name (page, screen)
    };

    /// <summary>The key code of <c>"timestamp"</c>, whose value is not a column's but its time and a difference from <c>ts</c>.</summary>
    private const int TimestampKey = 6;

    /// <summary>The one form of a timestamp left out: ISO 8601 in UTC to the millisecond, as <c>Date.toISOString()</c> writes it.</summary>
    private const string TimestampFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";
    private const int TimestampLength = 24;

    /// <summary>
    /// True when <paramref name="text"/> starts with <c>"timestamp":"…"</c> in <see cref="TimestampFormat"/> exactly (so it
    /// is written back byte for byte), with <paramref name="difference"/> its milliseconds less the row's <c>ts</c>.
    /// </summary>
    private static bool IsTimestampField(ReadOnlySpan<byte> text, long? ts, out int length, out long difference)
    {
        (length, difference) = (0, 0);
        var name = Keys[TimestampKey];
        var at = name.Length + 4; // "timestamp":"
        if (ts is not { } rowTime || text.Length < at + TimestampLength + 1 || text[0] != (byte)'"' || text[at + TimestampLength] != (byte)'"'
            || !text[1..].StartsWith(name) || !text[(1 + name.Length)..].StartsWith("\":\""u8)) return false;
        Span<char> chars = stackalloc char[TimestampLength];
        for (var i = 0; i < TimestampLength; i++) chars[i] = (char)text[at + i];
        if (!DateTime.TryParseExact(chars, TimestampFormat, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var time)) return false;
        var ms = (time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
        Span<char> rendered = stackalloc char[TimestampLength];
        if (!Timestamp(ms).TryFormat(rendered, out var written, TimestampFormat, System.Globalization.CultureInfo.InvariantCulture)
            || !rendered[..written].SequenceEqual(chars)) return false; // only what renders back the same
        (length, difference) = (at + TimestampLength + 1, ms - rowTime);
        return true;
    }

    /// <summary>The moment <paramref name="ms"/> Unix milliseconds name; a damaged header's value outside what a date holds is refused.</summary>
    private static DateTime Timestamp(long ms) =>
        ms is >= -62_135_596_800_000 and <= 253_402_300_799_999 ? DateTime.UnixEpoch.AddMilliseconds(ms)
        : throw new InvalidDataException("An event payload (format 2) names a timestamp outside the years 0001–9999.");

    /// <summary>Writes the left-out timestamp's value, the row's <c>ts</c> plus the header's difference, as UTF-8.</summary>
    private static int WriteTimestamp(Span<byte> into, long ts, long difference)
    {
        var ms = difference > 0 ? (ts > long.MaxValue - difference ? long.MaxValue : ts + difference)
            : ts < long.MinValue - difference ? long.MinValue : ts + difference; // saturated: out of range either way
        Timestamp(ms).TryFormat(into, out var written, TimestampFormat, System.Globalization.CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>True when <paramref name="text"/> starts with <c>"key":"value"</c> exactly.</summary>
    private static bool IsField(ReadOnlySpan<byte> text, int key, string value, out int length)
    {
        length = 0;
        var name = Keys[key];
        if (text.Length < name.Length + 5 || text[0] != (byte)'"' || !text.Slice(1, name.Length).SequenceEqual(name)) return false;
        var at = 1 + name.Length;
        if (text[at] != (byte)'"' || text[at + 1] != (byte)':' || text[at + 2] != (byte)'"') return false;
        at += 3;
        var valueBytes = Encoding.UTF8.GetByteCount(value);
        if (text.Length < at + valueBytes + 1) return false;
        Span<byte> expected = valueBytes <= 512 ? stackalloc byte[valueBytes] : new byte[valueBytes];
        Encoding.UTF8.GetBytes(value, expected);
        if (!text.Slice(at, valueBytes).SequenceEqual(expected) || text[at + valueBytes] != (byte)'"') return false;
        length = at + valueBytes + 1;
        return true;
    }

    /// <summary>The bytes a left-out field takes back: <c>"key":"value"</c> and its comma.</summary>
    private static int FieldLength(int key, in PayloadColumns columns)
    {
        if (key >= Keys.Length) throw new InvalidDataException($"An event payload (format 2) names an unknown field {key}.");
        if (key == TimestampKey) return columns.Timestamp is null
            ? throw new InvalidDataException("An event payload (format 2) left out 'timestamp' but the reader gave no ts.")
            : Keys[key].Length + TimestampLength + 6;
        var value = Value(key, columns) ?? throw new InvalidDataException($"An event payload (format 2) left out '{Encoding.UTF8.GetString(Keys[key])}' but the row has no value for it.");
        return Keys[key].Length + Encoding.UTF8.GetByteCount(value) + 6;
    }

    private static int WriteField(Span<byte> into, int code, in PayloadColumns columns, long difference)
    {
        var key = code & 0x7F;
        var at = 0;
        if ((code & 0x80) != 0) into[at++] = (byte)',';
        into[at++] = (byte)'"';
        Keys[key].CopyTo(into[at..]);
        at += Keys[key].Length;
        into[at++] = (byte)'"';
        into[at++] = (byte)':';
        into[at++] = (byte)'"';
        at += key == TimestampKey ? WriteTimestamp(into[at..], columns.Timestamp!.Value, difference) : Encoding.UTF8.GetBytes(Value(key, columns)!, into[at..]);
        into[at++] = (byte)'"';
        if ((code & 0x80) == 0) into[at++] = (byte)',';
        return at;
    }

    private static int WriteVarint(Span<byte> into, int value) => WriteVarint(into, (uint)value);

    private static int WriteVarint(Span<byte> into, ulong v)
    {
        var at = 0;
        while (v >= 0x80)
        {
            into[at++] = (byte)(v | 0x80);
            v >>= 7;
        }
        into[at++] = (byte)v;
        return at;
    }

    /// <summary>A signed value as a varint of its zigzag form (small differences either way take one or two bytes).</summary>
    private static int WriteSignedVarint(Span<byte> into, long value) => WriteVarint(into, (ulong)((value << 1) ^ (value >> 63)));

    private static long ReadSignedVarint(ReadOnlySpan<byte> from, ref int at)
    {
        ulong v = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (at >= from.Length) break;
            var b = from[at++];
            if (shift == 63 && b > 1) break; // a tenth byte holds one bit
            v |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return (long)(v >> 1) ^ -(long)(v & 1);
        }
        throw new InvalidDataException("An event payload (format 2) has a broken header.");
    }

    private static int ReadVarint(ReadOnlySpan<byte> from, ref int at)
    {
        var value = 0;
        for (var shift = 0; shift < 32; shift += 7)
        {
            if (at >= from.Length) break;
            var b = from[at++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (value < 0) break;
                return value;
            }
        }
        throw new InvalidDataException("An event payload (format 2) has a broken header.");
    }

    private static byte[] Buffer(ref byte[]? kept, int size) =>
        size > MaxBufferedText ? new byte[size]
        : kept is { } k && k.Length >= size ? k : kept = new byte[Math.Max(size, 2 * (kept?.Length ?? 2048))];

    private static Compressor NewCompressor()
    {
        var compressor = new Compressor(Level);
        compressor.LoadDictionary(Dictionary);
        // The frame starts where the format byte says it does: its 4-byte magic number says nothing more.
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_experimentalParam2, (int)ZSTD_format_e.ZSTD_f_zstd1_magicless);
        return compressor;
    }

    private static Decompressor NewDecompressor(bool magicless)
    {
        var decompressor = new Decompressor();
        decompressor.LoadDictionary(Dictionary);
        if (magicless) decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_experimentalParam1, (int)ZSTD_format_e.ZSTD_f_zstd1_magicless);
        return decompressor;
    }
}

/// <summary>The columns of an <c>event_log</c> row that a format-2 payload leaves out of its compressed text.</summary>
/// <param name="Timestamp">The row's <c>ts</c> (Unix milliseconds); null where the reader has no need of the whole message.</param>
internal readonly record struct PayloadColumns(string MessageId, string? UserId, string? AnonymousId, string Type, string? Name, long? Timestamp)
{
    public static PayloadColumns Of(TailorEvent e) => new(e.MessageId, e.UserId, e.AnonymousId, e.Type.ToWire(), e.Name, e.Timestamp.ToUnixTimeMilliseconds());
}
