using Tailor.Core.Storage;
using Tailor.Storage.Users;

namespace Tailor.Storage;

public sealed partial class TailorDatabase
{
    private IUserStore? _users;
    private ISignInFailureStore? _signInFailures;

    /// <summary>Dashboard users and their password hashes (docs/dashboard.md).</summary>
    public IUserStore Users => _users ??= new SqlUserStore(_database);

    /// <summary>Failed dashboard sign-ins, which the sign-in throttle counts (docs/dashboard.md).</summary>
    public ISignInFailureStore SignInFailures => _signInFailures ??= new SqlSignInFailureStore(_database);
}
