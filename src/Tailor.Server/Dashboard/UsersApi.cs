using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Application;
using Tailor.Application.Users;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;

namespace Tailor.Server.Dashboard;

/// <summary>
/// <c>/api/users</c>: the dashboard's users (admin scope, as every <c>/api</c> area without its own). Passwords go in and
/// never come out: answers carry the name, role, scopes and state only. Each change ends or refreshes sessions on this
/// node at once (<see cref="DashboardSessions.Forget"/>), on other nodes within a second.
/// </summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder users)
    {
        users.WithTags("Users");
        users.MapGet("", async (UserOperations operations, CancellationToken ct) => TypedResults.Ok((await operations.ListAsync(ct)).Select(UserView.Of).ToArray()))
            .WithName("ListUsers").WithSummary("Every dashboard user: name, role, scopes, state (never a password or its hash)");
        users.MapPost("", AddAsync).WithName("AddUser").WithSummary("Add a dashboard user with a password and a role (viewer, marketer or admin)");
        users.MapPost("{id}/password", SetPasswordAsync).WithName("SetUserPassword").WithSummary("Give a user a new password; their sessions end");
        users.MapPatch("{id}", SetRoleAsync).WithName("SetUserRole")
            .WithSummary("Give a user another role {\"role\"}; their sessions carry on with its rights; 409 when it would demote the last enabled admin");
        users.MapPost("{id}/disable", (string id, UserOperations operations, DashboardSessions sessions, CancellationToken ct) => ChangeAsync(operations.SetDisabledAsync(id, true, ct), sessions))
            .WithName("DisableUser").WithSummary("Refuse a user's sign-ins and end their sessions");
        users.MapPost("{id}/enable", (string id, UserOperations operations, DashboardSessions sessions, CancellationToken ct) => ChangeAsync(operations.SetDisabledAsync(id, false, ct), sessions))
            .WithName("EnableUser").WithSummary("Let a disabled user sign in again");
        users.MapDelete("{id}", async (string id, UserOperations operations, DashboardSessions sessions, CancellationToken ct) =>
            {
                var removed = await operations.RemoveAsync(id, ct);
                sessions.Forget();
                return removed.Problem is null ? Results.NoContent() : Results.NotFound();
            }).WithName("RemoveUser").WithSummary("Remove a user; their sessions end");
        return users;
    }

    public sealed record AddUserRequest(string? Name, string? Password, string? Role);

    public sealed record PasswordRequest(string? Password);

    public sealed record RoleRequest(string? Role);

    /// <summary>Who made the request, for the audit trail: the signed-in key or user and the client's address.</summary>
    public static AuditActor Actor(HttpContext http) => http.Features.Get<AdminKey>() is { } key
        ? new AuditActor(key.Id, key.Name, http.Connection.RemoteIpAddress?.ToString())
        : new AuditActor("anonymous", "", http.Connection.RemoteIpAddress?.ToString());

    /// <summary>A user as the API shows one: never the password or its hash.</summary>
    public sealed record UserView(string Id, string Name, string Role, string Scopes, DateTimeOffset CreatedAt, DateTimeOffset PasswordChangedAt, DateTimeOffset? DisabledAt)
    {
        public static UserView Of(DashboardUser user) => new(user.Id, user.Name, user.Role, UserRoles.Scopes(user.Role), user.CreatedAt, user.PasswordChangedAt, user.DisabledAt);
    }

    private static async Task<Results<Created<UserView>, ProblemHttpResult>> AddAsync(AddUserRequest request, UserOperations operations, CancellationToken ct)
    {
        var added = await operations.AddAsync(request.Name, request.Password, request.Role, ct);
        if (added.Value is not { } user) return ApiProblems.For(added.Problem!);
        return TypedResults.Created($"/api/users/{user.Id}", UserView.Of(user));
    }

    private static async Task<Results<Ok<UserView>, NotFound, ProblemHttpResult>> SetPasswordAsync(string id, PasswordRequest request, UserOperations operations,
        DashboardSessions sessions, CancellationToken ct)
    {
        var changed = await operations.SetPasswordAsync(id, request.Password, ct);
        sessions.Forget();
        return changed switch
        {
            { Value: { } user } => TypedResults.Ok(UserView.Of(user)),
            { Problem.Kind: ProblemKind.NotFound } => TypedResults.NotFound(),
            _ => ApiProblems.For(changed.Problem!),
        };
    }

    private static async Task<Results<Ok<UserView>, NotFound, ProblemHttpResult>> SetRoleAsync(string id, RoleRequest request, UserOperations operations,
        DashboardSessions sessions, HttpContext http, CancellationToken ct)
    {
        var changed = await operations.SetRoleAsync(id, request.Role, Actor(http), ct);
        sessions.Forget();
        return changed switch
        {
            { Value: { } user } => TypedResults.Ok(UserView.Of(user)),
            { Problem.Kind: ProblemKind.NotFound } => TypedResults.NotFound(),
            _ => ApiProblems.For(changed.Problem!),
        };
    }

    private static async Task<Results<Ok<UserView>, NotFound>> ChangeAsync(Task<OperationResult<DashboardUser>> change, DashboardSessions sessions)
    {
        var changed = await change;
        sessions.Forget();
        return changed.Value is { } user ? TypedResults.Ok(UserView.Of(user)) : TypedResults.NotFound();
    }
}
