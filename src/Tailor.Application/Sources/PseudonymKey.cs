namespace Tailor.Application.Sources;

/// <summary>
/// The HMAC key pseudonyms are made with (a source in mode <c>pseudonymous</c>): from configuration
/// (<c>Tailor:Privacy:PseudonymKey</c>), never stored in the database, so the stored pseudonyms cannot be linked back
/// to the identifiers without it.
/// </summary>
public sealed record PseudonymKey(byte[] Value);
