namespace Tailor.Core.Storage;

/// <summary>A page of dead letters, newest first.</summary>
/// <param name="Stage">Only this stage; null for every stage.</param>
/// <param name="Pending">Only pending (true) or only replayed (false) entries; null for both.</param>
/// <param name="Before">Only entries with a smaller id (the last id of the previous page).</param>
/// <param name="Limit">At most this many.</param>
public sealed record DeadLetterQuery(string? Stage = null, bool? Pending = null, long? Before = null, int Limit = 100);
