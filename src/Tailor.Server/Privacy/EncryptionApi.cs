using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Storage;

namespace Tailor.Server.Privacy;

/// <summary><c>GET /api/privacy/encryption</c>: the active key version and how far the re-encryption pass has come.</summary>
public static class EncryptionApi
{
    public static IEndpointRouteBuilder MapEncryptionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("privacy/encryption", async Task<Ok<EncryptionProgress>> (IEncryptionStore store, CancellationToken ct) => TypedResults.Ok(await store.ProgressAsync(ct)))
            .WithName("GetEncryptionProgress").WithSummary("The active privacy key version and the re-encryption pass per table").WithTags("Privacy");
        return app;
    }
}
