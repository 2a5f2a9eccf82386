namespace Tailor.Server.Destinations;

/// <summary>What a test of a destination did: whether it worked, what it sent (for HTTP destinations) and why not.</summary>
/// <param name="Selected">For forwarding: whether the sample passed the filter and condition.</param>
/// <param name="Body">What was sent, as JSON text (nothing secret: the write key and signature go in headers).</param>
public sealed record DestinationTestResult(bool Ok, string? Error, bool? Selected, string? Body);
