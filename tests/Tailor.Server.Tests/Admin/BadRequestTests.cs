using System.Net;
using System.Text;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Admin;

/// <summary>Requests the framework refuses before a handler runs still get problem details naming the field and rule.</summary>
public sealed class BadRequestTests(TailorAppFixture app)
{
    [Fact]
    public async Task Admin_body_that_is_not_JSON_is_refused_naming_the_body()
    {
        using var response = await app.Admin.PostRawAsync("/api/sources", "not json");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", "must be valid JSON");
    }

    [Fact]
    public async Task Admin_body_field_of_the_wrong_type_is_refused_naming_the_field()
    {
        using var response = await app.Admin.PostRawAsync("/api/sources", """{"name": 5}""");

        // The serializer reports the request record, not the property, so the rule is generic; the field is exact.
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name", "has the wrong JSON type");
    }

    [Fact]
    public async Task Consent_answer_that_is_not_a_boolean_is_refused_naming_the_purpose()
    {
        using var response = await app.Admin.PutAsync("/api/profiles/prf_any/consent",
            new StringContent("""{"purposes": {"email": "yes"}}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "purposes.email", "must be true or false");
    }

    [Fact]
    public async Task Admin_body_of_the_wrong_shape_is_refused_naming_the_field()
    {
        using var array = await app.Admin.PostRawAsync("/api/sources", "[]");
        using var tags = await app.Admin.PostRawAsync("/api/profiles/prf_any/tags", """{"add": "vip"}""");
        using var purposes = await app.Admin.PutAsync("/api/profiles/prf_any/consent",
            new StringContent("""{"purposes": ["email"]}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await array.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", "must be a JSON object");
        await tags.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "add", "must be an array of strings");
        await purposes.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "purposes", "must be an object mapping names to true or false");
    }

    [Fact]
    public async Task Query_value_that_does_not_parse_is_refused_naming_the_parameter()
    {
        using var limit = await app.Admin.GetResponseAsync("/api/profiles/prf_any/events?limit=ten");
        using var from = await app.Admin.GetResponseAsync("/api/profiles/prf_any/events?from=yesterday");

        await limit.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "limit", "must be an integer");
        await from.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "from", "must be an ISO-8601 date-time");
    }
}
