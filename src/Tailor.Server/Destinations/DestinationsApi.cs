using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tailor.Application;
using Tailor.Application.Destinations;
using Tailor.Core.Destinations;
using Tailor.Core.Storage;
using Tailor.Server.Admin;
using Tailor.Server.Hosting;

namespace Tailor.Server.Destinations;

/// <summary>
/// <c>/api/destinations</c> (admin key): create, list, get, replace, delete, test with a sample, pause, resume,
/// status, and an audience's current members as CSV; and the live profile stream <c>/v1/profiles/stream</c>
/// (Server-Sent Events) and <c>/v1/profiles/stream/ws</c> (WebSocket), for an admin key or a stream key.
/// </summary>
public static class DestinationsApi
{
    private static readonly JsonSerializerOptions StreamJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static WebApplication MapDestinationsApi(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        var api = app.MapGroup("api/destinations").WithTags("Destinations");
        api.MapPost("", CreateAsync).WithName("CreateDestination").WithSummary("Create a destination (parquet, postgres, segment, audience or stream)");
        api.MapGet("", async (DestinationOperations d, CancellationToken ct) => TypedResults.Ok(await d.ListAsync(ct))).WithName("ListDestinations").WithSummary("Every destination, secrets hidden");
        api.MapGet("{id}", async Task<Results<Ok<DestinationView>, NotFound>> (string id, DestinationOperations d, CancellationToken ct) =>
            await d.GetAsync(id, ct) is { Succeeded: true } r ? TypedResults.Ok(r.Value) : TypedResults.NotFound()).WithName("GetDestination").WithSummary("One destination, secrets hidden");
        api.MapPut("{id}", UpdateAsync).WithName("UpdateDestination").WithSummary("Replace a destination's name, settings or paused flag; secrets left out (or \"********\") are kept");
        api.MapDelete("{id}", async Task<Results<NoContent, NotFound>> (string id, DestinationOperations d, CancellationToken ct) =>
            (await d.DeleteAsync(id, ct)).Succeeded ? TypedResults.NoContent() : TypedResults.NotFound()).WithName("DeleteDestination").WithSummary("Delete a destination and its positions");
        api.MapPost("{id}/pause", (string id, DestinationOperations d, CancellationToken ct) => SetPausedAsync(id, true, d, ct)).WithName("PauseDestination").WithSummary("Stop sending; the position is kept");
        api.MapPost("{id}/resume", (string id, DestinationOperations d, CancellationToken ct) => SetPausedAsync(id, false, d, ct)).WithName("ResumeDestination").WithSummary("Carry on from the kept position");
        api.MapGet("{id}/status", async Task<Results<Ok<DestinationStatusView>, NotFound>> (string id, DestinationOperations d, CancellationToken ct) =>
            await d.StatusAsync(id, ct) is { Succeeded: true } r ? TypedResults.Ok(r.Value) : TypedResults.NotFound()).WithName("DestinationStatus").WithSummary("State, positions, lag, counts, last error, pending dead letters");
        api.MapPost("{id}/test", TestAsync).WithName("TestDestination").WithSummary("Try the destination once with a sample; no position moves");
        api.MapGet("{id}/audience.csv", AudienceCsvAsync).WithName("AudienceCsv").Produces(StatusCodes.Status200OK, contentType: "text/csv").WithSummary("An audience destination's segment members now, as CSV with hashed emails (consenting members only)");

        var stream = app.MapGroup("v1/profiles/stream").WithTags("Destinations");
        stream.MapGet("", StreamAsync).WithName("ProfileStream").Produces(StatusCodes.Status200OK, contentType: "text/event-stream").WithSummary("Server-Sent Events: profile and membership changes; resume with Last-Event-ID or ?from=");
        stream.MapGet("ws", WebSocketAsync).WithName("ProfileStreamWebSocket").Produces(StatusCodes.Status101SwitchingProtocols).WithSummary("The same notices over a WebSocket, one JSON text message each; resume with ?from=");
        return app;
    }

    private static async Task<Results<Created<DestinationView>, ProblemHttpResult>> CreateAsync(DestinationInput input, DestinationOperations d, CancellationToken ct)
    {
        var result = await d.CreateAsync(input, ct);
        return result.Succeeded ? TypedResults.Created($"/api/destinations/{result.Value!.Id}", result.Value) : ApiProblems.For(result.Problem!);
    }

    private static async Task<Results<Ok<DestinationView>, NotFound, ProblemHttpResult>> UpdateAsync(string id, DestinationInput input, DestinationOperations d, CancellationToken ct) =>
        Map(await d.UpdateAsync(id, input, ct));

    private static async Task<Results<Ok<DestinationView>, NotFound, ProblemHttpResult>> SetPausedAsync(string id, bool paused, DestinationOperations d, CancellationToken ct) =>
        Map(await d.SetPausedAsync(id, paused, ct));

    private static Results<Ok<DestinationView>, NotFound, ProblemHttpResult> Map(OperationResult<DestinationView> result) => result switch
    {
        { Succeeded: true } => TypedResults.Ok(result.Value!),
        { Problem.Kind: ProblemKind.NotFound } => TypedResults.NotFound(),
        _ => ApiProblems.For(result.Problem!),
    };

    private static async Task<Results<Ok<DestinationTestResult>, NotFound>> TestAsync(string id, [FromBody] DestinationTestRequest? request, DestinationOperations d, DestinationTester tester, CancellationToken ct)
    {
        if (await d.FindAsync(id, ct) is not { } destination) return TypedResults.NotFound();
        return TypedResults.Ok(await tester.TestAsync(destination, request?.Sample, ct));
    }

    private static async Task<Results<EmptyHttpResult, NotFound, ProblemHttpResult>> AudienceCsvAsync(string id, HttpContext http, DestinationOperations d, ISegmentStore segments, IDestinationStore store, CancellationToken ct)
    {
        if (await d.FindAsync(id, ct) is not { } destination) return TypedResults.NotFound();
        if (destination.Kind != DestinationKinds.Audience) return ApiProblems.Invalid("id", "must be an audience destination");
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audience-{destination.Settings.SegmentId}.csv\"";
        await AudienceCsv.WriteAsync(http.Response.BodyWriter.AsStream(), destination, segments, store, ct);
        return TypedResults.Empty;
    }

    private static async Task<IResult> StreamAsync(HttpContext http, long? from, ProfileStream stream, AccessKeys keys, IDestinationStore store, CancellationToken ct)
    {
        if (await StreamAccess.PurposeAsync(http, keys, store, ct) is not { } purpose) return StreamAccess.Refused();
        if (from is null && long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), out var last)) from = last;
        IAsyncEnumerable<ProfileNotice> notices;
        try
        {
            notices = await stream.SubscribeAsync(from, purpose, ct);
        }
        catch (ArgumentOutOfRangeException e)
        {
            return ApiProblems.Invalid("from", e.Message.Split(" (Parameter")[0]);
        }
        return TypedResults.ServerSentEvents(Items(notices, ct));

        static async IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<ProfileNotice>> Items(IAsyncEnumerable<ProfileNotice> notices, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            var enumerator = notices.GetAsyncEnumerator(ct);
            try
            {
                while (true)
                {
                    try
                    {
                        if (!await enumerator.MoveNextAsync()) yield break;
                    }
                    catch (SlowSubscriberException)
                    {
                        yield break; // dropped: the client reconnects with Last-Event-ID
                    }
                    var n = enumerator.Current;
                    yield return new System.Net.ServerSentEvents.SseItem<ProfileNotice>(n, n.Type) { EventId = n.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                }
            }
            finally
            {
                await enumerator.DisposeAsync();
            }
        }
    }

    private static async Task<IResult> WebSocketAsync(HttpContext http, long? from, ProfileStream stream, AccessKeys keys, IDestinationStore store, CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest) return ApiProblems.Invalid("Upgrade", "must be a WebSocket request");
        if (await StreamAccess.PurposeAsync(http, keys, store, ct) is not { } purpose) return StreamAccess.Refused();
        IAsyncEnumerable<ProfileNotice> notices;
        try
        {
            notices = await stream.SubscribeAsync(from, purpose, ct);
        }
        catch (ArgumentOutOfRangeException e)
        {
            return ApiProblems.Invalid("from", e.Message.Split(" (Parameter")[0]);
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        await ProfileStreamSocket.RunAsync(socket, notices, StreamJson, ct);
        return TypedResults.Empty;
    }
}
