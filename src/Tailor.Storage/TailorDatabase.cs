using Tailor.Core.Privacy;
using Tailor.Core.Storage;
using Tailor.Storage.Access;
using Tailor.Storage.Analytics;
using Tailor.Storage.Campaigns;
using Tailor.Storage.Contacts;
using Tailor.Storage.Content;
using Tailor.Storage.DeadLetters;
using Tailor.Storage.Events;
using Tailor.Storage.Merges;
using Tailor.Storage.Positions;
using Tailor.Storage.Profiles;
using Tailor.Storage.Recommendations;
using Tailor.Storage.Postgres;
using Tailor.Storage.Relational;
using Tailor.Storage.Segments;
using Tailor.Storage.Sqlite;
using Tailor.Storage.Triggers;
using Tailor.Storage.TrackingPlans;

namespace Tailor.Storage;

/// <summary>
/// The opened database, handing out one narrow role per feature (<see cref="Events"/>, <see cref="Segments"/>, …).
/// Every role shares the one <see cref="SqlDatabase"/> (connections, the write transaction, the dialect); writes
/// that must be atomic across features are made by the role that owns the commit (the profile pipeline's by
/// <see cref="Profiles"/>, the segment engine's by <see cref="Segments"/>, the trigger engine's by <see cref="Triggers"/>).
/// </summary>
public sealed partial class TailorDatabase : IAsyncDisposable
{
    private readonly SqlDatabase _database;
    private readonly TimeProvider _time;

    /// <param name="time">The clock migrations are recorded on.</param>
    /// <param name="protection">How personal data is kept at rest (docs/security.md); default off (values stored as given).</param>
    public TailorDatabase(SqlDatabase database, TimeProvider time, PersonalDataProtection? protection = null)
    {
        _database = database;
        database.Protection = protection ?? PersonalDataProtection.Off;
        Encryption = new Tailor.Storage.Privacy.SqlEncryptionStore(database, time);
        _time = time;
        var profiles = new SqlProfileStore(database);
        Profiles = profiles;
        Events = new SqlEventLog(database, profiles);
        Positions = new SqlPositionStore(database);
        Access = new SqlAccessStore(database);
        Segments = new SqlSegmentStore(database);
        Contacts = new SqlContactLog(database);
        Content = new SqlContentStore(database);
        Campaigns = new SqlCampaignStore(database);
        Triggers = new SqlTriggerStore(database);
        Merges = new SqlMergeStore(database, profiles);
        DeadLetters = new SqlDeadLetterStore(database);
        TrackingPlan = new SqlTrackingPlanStore(database);
        Analytics = new SqlAnalyticsStore(database);
        Recommendations = new SqlRecommendationStore(database);
        EmailStats = new EmailStats.SqlEmailStatsStore(database);
    }

    /// <summary>An SQLite database file (created when missing).</summary>
    public static TailorDatabase Sqlite(string path, TimeProvider time, PersonalDataProtection? protection = null) => new(new SqliteDatabase(path), time, protection);

    /// <summary>A PostgreSQL database, by connection string.</summary>
    public static TailorDatabase Postgres(string connectionString, TimeProvider time, PersonalDataProtection? protection = null) => new(new PostgresDatabase(connectionString), time, protection);

    /// <summary>A short name of the backend, for logs and health output: <c>sqlite</c> or <c>postgres</c>.</summary>
    public string Kind => _database.Kind;

    public IEventLog Events { get; }

    public IProfileStore Profiles { get; }

    public IPositionStore Positions { get; }

    public IAccessStore Access { get; }

    public ISegmentStore Segments { get; }

    public IContactLog Contacts { get; }

    public IContentStore Content { get; }

    public ICampaignStore Campaigns { get; }

    public ITriggerStore Triggers { get; }

    public IMergeStore Merges { get; }

    public IDeadLetterStore DeadLetters { get; }

    public IRecommendationStore Recommendations { get; }

    public ITrackingPlanStore TrackingPlan { get; }

    public IAnalyticsStore Analytics { get; }

    /// <summary>Email counts per campaign and trigger (docs/email.md).</summary>
    public IEmailStatsStore EmailStats { get; }

    /// <summary>Re-encryption after a key rotation, and the check that the key ring matches the data (docs/security.md).</summary>
    public IEncryptionStore Encryption { get; }

    /// <summary>Applies pending schema migrations, in version order, checks the privacy keys against the data, and moves what SQLite's audit journal holds.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await _database.MigrateAsync(_time, cancellationToken);
        await Tailor.Storage.Privacy.PrivacyKeyCheck.VerifyAsync(_database, _time, cancellationToken);
        // Audit entries a crashed process left in SQLite's journal reach audit_log at the next open, not only at the next read of the trail.
        if (_database.AuditJournal is { } journal && File.Exists(journal.Path)) await journal.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
