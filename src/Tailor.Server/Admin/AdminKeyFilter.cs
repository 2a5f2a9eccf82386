namespace Tailor.Server.Admin;

/// <summary>Lets a request through only with <c>Authorization: Bearer ADMIN_KEY</c>; write keys are refused here.</summary>
internal sealed class AdminKeyFilter(AccessKeys keys) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (await keys.AdminAsync(AccessKeys.BearerToken(request), context.HttpContext.RequestAborted) is null)
        {
            return TypedResults.Problem(
                title: "An admin key is required",
                detail: "Send 'Authorization: Bearer <admin key>'. Write keys can only send events.",
                statusCode: StatusCodes.Status401Unauthorized,
                extensions: new Dictionary<string, object?> { ["field"] = "Authorization", ["rule"] = "must be a valid admin key" });
        }
        return await next(context);
    }
}
