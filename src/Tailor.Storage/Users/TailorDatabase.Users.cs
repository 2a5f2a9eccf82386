using Tailor.Core.Storage;
using Tailor.Storage.Users;

namespace Tailor.Storage;

public sealed partial class TailorDatabase
{
    private IUserStore? _users;

    /// <summary>Dashboard users and their password hashes (docs/dashboard.md).</summary>
    public IUserStore Users => _users ??= new SqlUserStore(_database);
}
