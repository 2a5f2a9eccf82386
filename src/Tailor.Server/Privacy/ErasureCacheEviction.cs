using Tailor.Application.Privacy;
using Tailor.Core.Identity;
using Tailor.Server.Content;

namespace Tailor.Server.Privacy;

/// <summary>Makes this node's personalization cache forget an erased person (the profile pipeline's working set is cleared by the erasure itself).</summary>
internal sealed class ErasureCacheEviction(IServiceProvider services) : IErasureListener
{
    public void Erased(IReadOnlyList<string> profileIds, IReadOnlyList<ProfileIdentifier> identities) =>
        services.GetService<ProfileScopes>()?.Forget(profileIds, identities);
}
