using Tailor.Core.Privacy;

namespace Tailor.Storage.Tests;

/// <summary>The whole storage contract on PostgreSQL again with encryption at rest on (see <see cref="EncryptedSqliteStoreTests"/>).</summary>
public sealed class EncryptedPostgresStoreTests : PostgresStoreTests
{
    protected override PersonalDataProtection Protection { get; } = new(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields);
}
