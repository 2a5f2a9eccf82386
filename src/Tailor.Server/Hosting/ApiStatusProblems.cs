using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Tailor.Server.Admin;

namespace Tailor.Server.Hosting;

/// <summary>An <c>/api</c> error answered without a body (an unknown route, a wrong method, a resource not found) becomes a problem document naming the rule.</summary>
internal static class ApiStatusProblems
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        (string Title, string Field, string Rule) problem = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ("Not found", "path", "must name an existing route and resource"),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", "method", $"must be one the route accepts, not {http.Request.Method}"),
            StatusCodes.Status415UnsupportedMediaType => ("The body must be JSON", "Content-Type", "must be application/json"),
            var status => (ReasonPhrases.GetReasonPhrase(status), "request", ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant()),
        };
        return AdminApiGuard.Problem(http, http.Response.StatusCode, problem.Title, problem.Field, problem.Rule);
    }
}
