using Tailor.Core.Delivery;

namespace Tailor.Core.Storage;

/// <summary>Every contact with a person, kept so frequency caps can count them across triggers and campaigns.</summary>
public interface IContactLog
{
    Task RecordContactAsync(Contact contact, CancellationToken cancellationToken);

    /// <summary>Contacts of <paramref name="profileId"/> on <paramref name="channel"/> at or after <paramref name="since"/>, from <paramref name="origin"/> or (null) from any origin.</summary>
    Task<int> CountContactsAsync(string profileId, string channel, string? origin, DateTimeOffset since, CancellationToken cancellationToken);
}
