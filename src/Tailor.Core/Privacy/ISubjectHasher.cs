using Tailor.Core.Identity;

namespace Tailor.Core.Privacy;

/// <summary>
/// A keyed hash of a person's identifier (HMAC-SHA256 of the normalised <c>type:value</c>), for what must recognise an
/// identifier without keeping it: suppression entries after an erasure. The key comes from configuration, never from
/// the database, so a copy of the database alone cannot test guesses against the hashes.
/// </summary>
public interface ISubjectHasher
{
    /// <summary>The hash of <paramref name="identity"/> (normalised first: emails without case or surrounding spaces), as lowercase hex.</summary>
    string Hash(ProfileIdentifier identity);
}
