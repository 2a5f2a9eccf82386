namespace Tailor.Application.Sources;

/// <summary>
/// The HMAC key pseudonyms are made with (a source in mode <c>pseudonymous</c>): from configuration
/// (<c>Tailor:Privacy:PseudonymKey</c>), never stored in the database, so the stored pseudonyms cannot be linked back
/// to the identifiers without it.
/// </summary>
public sealed record PseudonymKey(byte[] Value)
{
    /// <summary>
    /// The key a node and the CLI use alike: the configured one when set, else one derived from the privacy key ring,
    /// so pseudonyms stay the same across restarts, nodes and imports.
    /// </summary>
    public static PseudonymKey From(string? configured, Core.Privacy.PrivacyKeyRing keys) =>
        new(configured is { Length: > 0 } ? System.Text.Encoding.UTF8.GetBytes(configured) : keys.DeriveKey("tailor-pseudonym/1"));
}
