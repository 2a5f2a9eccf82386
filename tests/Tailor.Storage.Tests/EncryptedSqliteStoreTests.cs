using Tailor.Core.Privacy;

namespace Tailor.Storage.Tests;

/// <summary>
/// The whole storage contract on SQLite again with encryption at rest on (issue 13): the default field list under a
/// fresh key ring, so every promise of the store also holds for data kept encrypted.
/// </summary>
public sealed class EncryptedSqliteStoreTests : SqliteStoreTests
{
    protected override PersonalDataProtection Protection { get; } = new(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields);
}
