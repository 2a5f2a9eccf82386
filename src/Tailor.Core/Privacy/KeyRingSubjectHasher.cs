using Tailor.Core.Identity;

namespace Tailor.Core.Privacy;

/// <summary>
/// Suppression hashes under the privacy key ring's lookup key (<see cref="LookupHasher"/>: HMAC-SHA256 of the type and the
/// normalised value), so an erased person's identifiers are recognised with the same key that identity lookups use, from
/// the key file or configuration and never from the database.
/// </summary>
public sealed class KeyRingSubjectHasher(LookupHasher lookup) : ISubjectHasher
{
    public string Hash(ProfileIdentifier identity) => lookup.Hash(identity.Type, IdentityTypes.Normalize(identity.Type, identity.Value));
}
