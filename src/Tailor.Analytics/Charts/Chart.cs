using System.Text;

namespace Tailor.Analytics.Charts;

/// <summary>
/// One rendered chart: a file name (without extension, e.g. <c>elbow</c>) and its SVG document. Tailor.Analytics does
/// not reference Core, so the application layer turns this into an analytics artifact (name, media type, bytes).
/// </summary>
public sealed record Chart(string Name, string Svg)
{
    /// <summary>The media type of <see cref="Svg"/>.</summary>
    public const string SvgMediaType = "image/svg+xml";

    /// <summary>The file name to save it under: the name with <c>.svg</c>.</summary>
    public string FileName => Name + ".svg";

    /// <summary>The SVG document as UTF-8 bytes, ready to store or serve.</summary>
    public byte[] Bytes() => Encoding.UTF8.GetBytes(Svg);
}
