using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Tailor.Server.Hosting;

/// <summary>
/// The OpenAPI description of every <c>/v1</c>, <c>/api</c> and email-tracking endpoint at <c>/openapi/v1.json</c>
/// (Microsoft.AspNetCore.OpenApi), and the interactive reference at <c>/reference</c> (Scalar, whose script is
/// embedded in its assembly and served by this node: the page loads nothing from elsewhere). Conventions apply here,
/// by path, rather than on each route: the security scheme a route needs and the problem document of its errors.
/// </summary>
public static class OpenApiWiring
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/reference";
    public const string WriteKeyScheme = "write-key";
    public const string AdminKeyScheme = "admin-key";
    private const string ProblemSchema = "Problem";

    public static IServiceCollection AddTailorOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.AddDocumentTransformer(DescribeAsync);
            o.AddOperationTransformer(ConventionsAsync);
        });

    public static WebApplication MapTailorOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference(ReferencePath, o => o
            .WithTitle("Tailor API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()); // the default fonts come from a CDN; the page must work offline
        return app;
    }

    /// <summary>
    /// Describes a tracking route, whose handler reads the body itself: a message (or a batch) in, an
    /// <see cref="Ingestion.IngestionResponse"/> out, a 413 past the size limits, a 503 when the log is unavailable.
    /// </summary>
    public static RouteHandlerBuilder WithTrackingBody(this RouteHandlerBuilder route, bool batch) => route
        .Accepts(batch ? typeof(TrackingBatchDocument) : typeof(TrackingMessageDocument), "application/json")
        .Produces<Ingestion.IngestionResponse>()
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Tailor",
            Version = "v1",
            Description = "Segment-compatible ingestion (/v1, write key as the HTTP Basic username), personalization, and the admin API (/api, 'Authorization: Bearer <admin key>'). Errors are RFC 9457 problem documents naming the field and the rule.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[WriteKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "basic",
            Description = "A source's write key as the HTTP Basic username, the password empty (Segment's convention); /v1/batch also accepts 'writeKey' in the body.",
        };
        document.Components.SecuritySchemes[AdminKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer",
            Description = "An admin key: 'Authorization: Bearer tk_admin_…'. Write keys are refused here.",
        };
        return Task.CompletedTask;
    }

    /// <summary>Per operation: who may call it (by path) and the problem document its errors answer.</summary>
    private static async Task ConventionsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var path = "/" + (context.Description.RelativePath ?? "").TrimStart('/');
        var scheme = path.StartsWith("/api/", StringComparison.Ordinal) || path == "/api" ? AdminKeyScheme
            : path.StartsWith("/v1/", StringComparison.Ordinal) ? WriteKeyScheme : null;
        var document = context.Document!;
        if (!(document.Components?.Schemas?.ContainsKey(ProblemSchema) ?? false))
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(ApiProblemDocument), null, ct);
            document.AddComponent(ProblemSchema, schema);
        }
        operation.Responses ??= new OpenApiResponses();
        if (scheme is not null)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] });
            AddProblem(operation, document, "401", scheme == AdminKeyScheme ? "No valid admin key" : "No valid write key");
        }
        AddProblem(operation, document, "400", "The request is invalid: each error names the field and the rule");
        if (scheme == AdminKeyScheme)
            AddProblem(operation, document, "413", $"The body is larger than Tailor:Security:ApiMaxBodyBytes");
        // Status codes the handler declares (404, 409, …) without a body get the problem shape too.
        foreach (var (status, response) in operation.Responses)
        {
            if (status.StartsWith('4') || status.StartsWith('5'))
                AddProblem(operation, document, status, response.Description ?? "Error");
        }
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiDocument document, string status, string description)
    {
        var content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
        };
        if (operation.Responses!.TryGetValue(status, out var existing) && existing is OpenApiResponse known)
        {
            if (known.Content is null || known.Content.Count == 0 || known.Content.ContainsKey("application/problem+json")) known.Content = content;
            if (string.IsNullOrEmpty(known.Description)) known.Description = description;
            return;
        }
        if (existing is null) operation.Responses[status] = new OpenApiResponse { Description = description, Content = content };
    }
}
