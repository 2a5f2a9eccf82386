using Tailor.Core.Identity;

namespace Tailor.Application.Privacy;

/// <summary>An in-memory cache that must forget a person the moment they are erased (the personalization cache, …).</summary>
public interface IErasureListener
{
    void Erased(IReadOnlyList<string> profileIds, IReadOnlyList<ProfileIdentifier> identities);
}
