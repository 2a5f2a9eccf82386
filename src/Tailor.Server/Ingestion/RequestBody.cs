using System.Buffers;
using System.IO.Compression;

namespace Tailor.Server.Ingestion;

/// <summary>Reads a request body into memory, inflating gzip, and stops at a size limit.</summary>
internal static class RequestBody
{
    /// <summary>The body bytes, or null when they exceed <paramref name="limit"/> (after decompression).</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        var gzip = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && request.ContentLength > limit) return null;
        Stream body = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : request.Body;
        try
        {
            var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
            while (true)
            {
                var read = await body.ReadAsync(buffer.GetMemory(4096), ct);
                if (read == 0) return buffer.WrittenMemory;
                buffer.Advance(read);
                if (buffer.WrittenCount > limit) return null;
            }
        }
        finally
        {
            if (gzip) await body.DisposeAsync();
        }
    }
}
