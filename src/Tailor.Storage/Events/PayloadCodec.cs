using System.Text;
using ZstdSharp;

namespace Tailor.Storage.Events;

/// <summary>
/// Compact event payloads for the SQLite log (issue 17): the JSON text compressed with zstd against a fixed dictionary
/// of what Segment messages repeat (keys, the analytics.js context, common event names), stored as a BLOB whose first
/// byte names the format. Rows written before (TEXT) read back unchanged, so the log needs no rewrite. The view
/// <c>events</c> decodes with the SQL function <c>tailor_payload</c>, registered on every connection the store opens.
/// </summary>
/// <remarks>The dictionary of format 1 must never change: stored rows depend on it. A new one is format 2.</remarks>
internal static class PayloadCodec
{
    private const byte Format1 = 1;
    private const int Level = 1; // the append path runs this per event; level 1 with a dictionary is fast and small enough

    [ThreadStatic] private static Compressor? t_compressor;
    [ThreadStatic] private static Decompressor? t_decompressor;
    [ThreadStatic] private static byte[]? t_text;

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

    /// <summary>The stored form of a payload (never larger than the UTF-8 text plus one byte).</summary>
    public static byte[] Encode(string json)
    {
        var compressor = t_compressor ??= NewCompressor();
        var text = Encoding.UTF8.GetBytes(json);
        var bound = Compressor.GetCompressBound(text.Length);
        var buffer = new byte[bound + 1];
        buffer[0] = Format1;
        var written = compressor.Wrap(text, buffer.AsSpan(1));
        return buffer.AsSpan(0, written + 1).ToArray();
    }

    /// <summary>The JSON text of a stored payload: TEXT as it is, a BLOB decoded by its format byte.</summary>
    public static string? Decode(object? stored) => stored switch
    {
        null or DBNull => null,
        string text => text,
        byte[] blob => Decode(blob),
        _ => throw new InvalidDataException($"An event payload is stored as {stored.GetType().Name}."),
    };

    /// <summary>
    /// The UTF-8 JSON text of a stored payload (TEXT or a BLOB) in a buffer kept per thread, valid until the next call on
    /// the thread: for readers that copy what they need of it and never need the payload as a string.
    /// </summary>
    public static ReadOnlySpan<byte> DecodeUtf8(object? stored)
    {
        switch (stored)
        {
            case string text:
            {
                var buffer = TextBuffer(Encoding.UTF8.GetMaxByteCount(text.Length));
                return buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
            }
            case byte[] blob:
            {
                if (blob.Length == 0 || blob[0] != Format1) throw new InvalidDataException($"Unknown event payload format {(blob.Length == 0 ? -1 : blob[0])}.");
                var decompressor = t_decompressor ??= NewDecompressor();
                var frame = blob.AsSpan(1);
                var size = Decompressor.GetDecompressedSize(frame);
                if (size is 0 or > MaxBufferedText) return decompressor.Unwrap(frame);
                var buffer = TextBuffer((int)size);
                return buffer.AsSpan(0, decompressor.Unwrap(frame, buffer));
            }
            default:
                throw new InvalidDataException($"An event payload is stored as {stored?.GetType().Name ?? "null"}.");
        }
    }

    private static byte[] TextBuffer(int size) =>
        size > MaxBufferedText ? new byte[size]
        : t_text is { } kept && kept.Length >= size ? kept : t_text = new byte[Math.Max(size, 2 * (t_text?.Length ?? 2048))];

    private static string Decode(byte[] blob)
    {
        if (blob.Length == 0 || blob[0] != Format1) throw new InvalidDataException($"Unknown event payload format {(blob.Length == 0 ? -1 : blob[0])}.");
        var decompressor = t_decompressor ??= NewDecompressor();
        var frame = blob.AsSpan(1);
        // Into a buffer kept per thread (readers decode thousands per batch): one array less per event read.
        var size = Decompressor.GetDecompressedSize(frame);
        if (size is 0 or > MaxBufferedText) return Encoding.UTF8.GetString(decompressor.Unwrap(frame));
        var text = t_text is { } kept && kept.Length >= (int)size ? kept : t_text = new byte[Math.Max((int)size, 2 * (t_text?.Length ?? 2048))];
        return Encoding.UTF8.GetString(text, 0, decompressor.Unwrap(frame, text));
    }

    private static Compressor NewCompressor()
    {
        var compressor = new Compressor(Level);
        compressor.LoadDictionary(Dictionary);
        return compressor;
    }

    private static Decompressor NewDecompressor()
    {
        var decompressor = new Decompressor();
        decompressor.LoadDictionary(Dictionary);
        return decompressor;
    }
}
