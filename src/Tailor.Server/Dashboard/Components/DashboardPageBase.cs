using Microsoft.AspNetCore.Components;
using Tailor.Core.Storage;

namespace Tailor.Server.Dashboard.Components;

/// <summary>What every dashboard page needs from its request: the signed-in key, the request's cancellation, and a way to answer 404.</summary>
public abstract class DashboardPageBase : ComponentBase
{
    [CascadingParameter] public HttpContext Http { get; set; } = null!;

    /// <summary>The signed-in admin key (the guard has checked it and its scope).</summary>
    protected AdminKey SignedIn => Http.Features.Get<AdminKey>()!;

    protected CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Answers 404 while still rendering the page's own message.</summary>
    protected void NotFound() => Http.Response.StatusCode = StatusCodes.Status404NotFound;

    /// <summary>Answers 400 (a form that did not pass) while rendering the form with its errors.</summary>
    protected void Invalid() => Http.Response.StatusCode = StatusCodes.Status400BadRequest;
}
