using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Tailor.Application.Access;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;

namespace Tailor.Server.Admin;

/// <summary>
/// Middleware in front of every <c>/api</c> route, in the order an attacker meets them: the admin key is checked
/// before a byte of the body is read (401), then its scope for the route (403, <see cref="ApiScopes"/>), the body's size (413), its content type where the route reads JSON
/// (415) and how deeply it nests (400) — each answered as a problem document naming the rule. Only then does the
/// framework bind the body.
/// </summary>
internal sealed class AdminApiGuard(RequestDelegate next, AccessKeys keys, SecurityOptions security)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }
        var request = http.Request;
        if (await keys.AdminAsync(AccessKeys.BearerToken(request), http.RequestAborted) is not { } admin)
        {
            await Problem(http, StatusCodes.Status401Unauthorized, "An admin key is required", "Authorization", "must be a valid admin key",
                "Send 'Authorization: Bearer <admin key>'. Write keys can only send events.");
            return;
        }
        http.Features.Set(admin);
        var scope = ApiScopes.Required(request.Path, request.Method);
        if (!AdminScopes.Allows(admin.Scopes, scope))
        {
            await Problem(http, StatusCodes.Status403Forbidden, "The admin key may not do this", "Authorization", $"must have scope {scope}",
                $"The key '{admin.Name}' has scopes '{admin.Scopes}'.");
            return;
        }
        var limit = security.ApiMaxBodyBytes;
        if (request.ContentLength > limit)
        {
            await TooLarge(http, limit);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        if (http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is not null && HasBody(request))
        {
            if (!request.HasJsonContentType())
            {
                await Problem(http, StatusCodes.Status415UnsupportedMediaType, "The body must be JSON", "Content-Type", "must be application/json",
                    $"The request's content type is '{request.ContentType}'.");
                return;
            }
            byte[] body;
            try
            {
                body = await ReadAsync(request, limit, http.RequestAborted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await TooLarge(http, limit);
                return;
            }
            if (TooDeep(body, security.ApiMaxJsonDepth) is { } path)
            {
                await Problem(http, StatusCodes.Status400BadRequest, "The request is invalid", path,
                    $"must be nested at most {security.ApiMaxJsonDepth} levels deep", "Objects and arrays nest too deeply.");
                return;
            }
            request.Body = new MemoryStream(body, writable: false);
        }
        await next(http);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct); // the server stops it past MaxRequestBodySize (413)
        if (buffer.Length > limit) throw new BadHttpRequestException("body too large", StatusCodes.Status413PayloadTooLarge);
        return buffer.ToArray();
    }

    /// <summary>The JSON path of the first object or array nested deeper than <paramref name="maxDepth"/>; null when within it or not JSON at all (binding reports that).</summary>
    internal static string? TooDeep(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 2, AllowTrailingCommas = false });
        var path = new Stack<string?>(); // the name of each open container; null for the root and array items
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth >= maxDepth)
                        {
                            var names = path.Reverse().Append(property).OfType<string>().ToArray();
                            return names.Length == 0 ? "body" : string.Join('.', names);
                        }
                        path.Push(property);
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.Pop();
                        break;
                    default:
                        property = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the binder answers that with the field and rule.
        }
        return null;
    }

    private static Task TooLarge(HttpContext http, long limit) =>
        Problem(http, StatusCodes.Status413PayloadTooLarge, "The body is too large", "body", $"must be at most {limit} bytes",
            "Admin API bodies are limited by TAILOR_API_MAX_BODY_BYTES (docs/security.md).");

    internal static Task Problem(HttpContext http, int status, string title, string field, string rule, string? detail = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status,
            extensions: new Dictionary<string, object?> { ["field"] = field, ["rule"] = rule, ["errors"] = new[] { new ValidationError(field, rule) } }).ExecuteAsync(http);
}
