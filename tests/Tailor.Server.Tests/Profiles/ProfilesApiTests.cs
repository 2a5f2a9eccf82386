using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Profiles;

/// <summary>The read API: what a profile looks like, its events, trait history, search, consent and tags.</summary>
public sealed class ProfilesApiTests(TailorAppFixture app)
{
    [Fact]
    public async Task Lookup_of_an_unknown_identity_is_404()
    {
        using var response = await app.Admin.GetResponseAsync($"/api/profiles/lookup?type=userId&value={TailorAppFixture.NewId("nobody")}");

        await response.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Lookup_by_an_unknown_identity_type_is_refused_naming_type()
    {
        using var response = await app.Admin.GetResponseAsync("/api/profiles/lookup?type=shoeSize&value=42");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "type", "must be one of");
    }

    [Fact]
    public async Task Unknown_profile_id_is_404()
    {
        using var response = await app.Admin.GetResponseAsync("/api/profiles/prf_does_not_exist");

        await response.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Profile_shows_identities_traits_computed_traits_consent_tags_and_segments()
    {
        var userId = TailorAppFixture.NewId("shape");
        var email = $"{userId}@example.com";
        var t0 = DateTimeOffset.UtcNow.AddHours(-2);
        await app.Ingest.SendAsync("/v1/batch", new
        {
            batch = new object[]
            {
                new { type = "identify", userId, traits = new { email, name = "Ann", age = 41 }, timestamp = Http.Iso(t0) },
                new { type = "track", userId, @event = "Order Completed", properties = new { revenue = 30.5 }, timestamp = Http.Iso(t0.AddMinutes(5)) },
                new { type = "track", userId, @event = "Order Completed", properties = new { total = "19.50" }, timestamp = Http.Iso(t0.AddMinutes(10)) },
                new { type = "page", userId, name = "Home", timestamp = Http.Iso(t0.AddMinutes(20)) },
            },
        });
        await app.WaitForPipelineAsync();

        var profile = await app.Admin.LookupAsync("userId", userId);

        Assert.StartsWith("prf_", profile.Id(), StringComparison.Ordinal);
        Assert.Contains(("userId", userId), profile.Identities());
        Assert.Contains(("email", email), profile.Identities());
        Assert.Equal("Ann", (string)profile["traits"]!["name"]!);
        Assert.Equal(41, (int)profile["traits"]!["age"]!);
        var computed = profile["computed"]!;
        Assert.Equal(4, (long)computed["eventCount"]!);
        Assert.Equal(2, (long)computed["orderCount"]!);
        Assert.Equal(50m, (decimal)computed["totalRevenue"]!);
        Assert.Equal(25m, (decimal)computed["averageOrderValue"]!);
        Assert.True((double)computed["engagementScore"]! > 0, computed.ToJsonString());
        Assert.Equal(Truncated(t0), (DateTimeOffset)computed["firstSeen"]!);
        Assert.Equal(Truncated(t0.AddMinutes(20)), (DateTimeOffset)computed["lastSeen"]!);
        Assert.Equal(2, (long)computed["eventCounts"]!["Order Completed"]!);
        Assert.Equal(1, (long)computed["eventCounts"]!["Page Viewed"]!);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, JsonValueKind(profile, "consent"));
        Assert.Equal(System.Text.Json.JsonValueKind.Array, JsonValueKind(profile, "tags"));
        Assert.Equal(System.Text.Json.JsonValueKind.Array, JsonValueKind(profile, "segments"));
    }

    [Fact]
    public async Task Anonymous_page_views_join_the_profile_of_the_user_who_identifies()
    {
        var anonymousId = TailorAppFixture.NewId("anon");
        var userId = TailorAppFixture.NewId("user");
        var pages = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var messageId = TailorAppFixture.NewId("pv");
            pages.Add(messageId);
            await app.Ingest.SendAsync("/v1/page", new { anonymousId, messageId, name = $"Page {i}" });
        }
        await app.WaitForPipelineAsync();
        var anonymousProfile = await app.Admin.LookupAsync("anonymousId", anonymousId);

        var identify = TailorAppFixture.NewId("id");
        await app.Ingest.SendAsync("/v1/identify", new { userId, anonymousId, messageId = identify, traits = new { plan = "trial" } });
        await app.WaitForPipelineAsync();

        var byUser = await app.Admin.LookupAsync("userId", userId);
        var byAnonymous = await app.Admin.LookupAsync("anonymousId", anonymousId);
        Assert.Equal(byUser.Id(), byAnonymous.Id());
        Assert.Equal(byUser.Id(), (await app.Admin.ProfileAsync(anonymousProfile.Id())).Id());
        Assert.Equal(4, byUser.EventCount());
        Assert.Equal(pages.Append(identify).Order(), (await app.Admin.EventsAsync(byUser.Id())).MessageIds().Order());
        Assert.Equal("trial", (string)byUser["traits"]!["plan"]!);
    }

    [Fact]
    public async Task Shared_email_merges_profiles_and_the_old_profile_id_resolves_to_the_survivor()
    {
        var anonymousId = TailorAppFixture.NewId("anon-mail");
        var userId = TailorAppFixture.NewId("user-mail");
        var email = $"{userId}@example.com";
        await app.Ingest.SendAsync("/v1/track", new { anonymousId, @event = "Product Viewed" });
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { email = email.ToUpperInvariant(), plan = "gold" } });
        await app.WaitForPipelineAsync();
        var anonymousProfile = await app.Admin.LookupAsync("anonymousId", anonymousId);
        var userProfile = await app.Admin.LookupAsync("userId", userId);
        Assert.NotEqual(anonymousProfile.Id(), userProfile.Id());

        // The anonymous visitor types the same address into a newsletter form.
        await app.Ingest.SendAsync("/v1/track", new { anonymousId, @event = "Newsletter Subscribed", context = new { traits = new { email = $"  {email} " } } });
        await app.WaitForPipelineAsync();

        var merged = await app.Admin.LookupAsync("email", email);
        Assert.Equal(merged.Id(), (await app.Admin.ProfileAsync(anonymousProfile.Id())).Id());
        Assert.Equal(merged.Id(), (await app.Admin.ProfileAsync(userProfile.Id())).Id());
        Assert.Equal(merged.Id(), (await app.Admin.LookupAsync("userId", userId)).Id());
        Assert.Equal(3, merged.EventCount());
        Assert.Equal("gold", (string)merged["traits"]!["plan"]!);
        Assert.Contains(("anonymousId", anonymousId), merged.Identities());
        Assert.Contains(("userId", userId), merged.Identities());
        Assert.Equal(3, (await app.Admin.EventsAsync(merged.Id())).Count);
        var merge = Assert.Single(await app.Admin.GetArrayAsync($"/api/profiles/{merged.Id()}/merges"))!;
        Assert.Equal(merged.Id(), (string)merge["winnerId"]!);
        Assert.Contains((string)merge["loserId"]!, new[] { anonymousProfile.Id(), userProfile.Id() });
    }

    [Fact]
    public async Task Shared_device_does_not_merge_two_known_users()
    {
        var device = TailorAppFixture.NewId("family-tablet");
        var mum = TailorAppFixture.NewId("mum");
        var son = TailorAppFixture.NewId("son");
        await app.Ingest.SendAsync("/v1/identify", new { userId = mum, anonymousId = device, traits = new { name = "Mum" } });
        await app.WaitForPipelineAsync();

        await app.Ingest.SendAsync("/v1/identify", new { userId = son, anonymousId = device, traits = new { name = "Son" } });
        await app.WaitForPipelineAsync();

        var mumProfile = await app.Admin.LookupAsync("userId", mum);
        var sonProfile = await app.Admin.LookupAsync("userId", son);
        Assert.NotEqual(mumProfile.Id(), sonProfile.Id());
        Assert.Equal("Mum", (string)mumProfile["traits"]!["name"]!);
        Assert.Equal("Son", (string)sonProfile["traits"]!["name"]!);
        Assert.Equal(1, sonProfile.EventCount());
        Assert.Equal(mumProfile.Id(), (await app.Admin.LookupAsync("anonymousId", device)).Id());
    }

    [Fact]
    public async Task Lookup_by_email_ignores_case_and_surrounding_spaces()
    {
        var userId = TailorAppFixture.NewId("mail-case");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { email = $"{userId}@Example.COM" } });
        await app.WaitForPipelineAsync();

        var profile = await app.Admin.LookupAsync("email", $" {userId.ToUpperInvariant()}@EXAMPLE.com ");

        Assert.Contains(("userId", userId), profile.Identities());
        Assert.Contains(("email", $"{userId}@example.com"), profile.Identities());
    }

    [Fact]
    public async Task Alias_merges_two_known_users_into_one_profile()
    {
        var oldUserId = TailorAppFixture.NewId("crm");
        var newUserId = TailorAppFixture.NewId("app");
        await app.Ingest.SendAsync("/v1/track", new { userId = oldUserId, @event = "Order Completed", properties = new { revenue = 5 } });
        await app.Ingest.SendAsync("/v1/track", new { userId = newUserId, @event = "Order Completed", properties = new { revenue = 7 } });
        await app.WaitForPipelineAsync();
        var oldProfile = await app.Admin.LookupAsync("userId", oldUserId);

        await app.Ingest.SendAsync("/v1/alias", new { userId = newUserId, previousId = oldUserId });
        await app.WaitForPipelineAsync();

        var profile = await app.Admin.LookupAsync("userId", newUserId);
        Assert.Equal(profile.Id(), (await app.Admin.LookupAsync("userId", oldUserId)).Id());
        Assert.Equal(profile.Id(), (await app.Admin.ProfileAsync(oldProfile.Id())).Id());
        Assert.Equal(2, (long)profile["computed"]!["orderCount"]!);
        Assert.Equal(12m, (decimal)profile["computed"]!["totalRevenue"]!);
    }

    [Fact]
    public async Task Events_can_be_filtered_by_name_and_event_time_range()
    {
        var userId = TailorAppFixture.NewId("range");
        var day = new DateTimeOffset(2024, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var ids = new Dictionary<string, string>();
        foreach (var (key, name, at) in new[] { ("a", "Viewed", day), ("b", "Bought", day.AddDays(1)), ("c", "Viewed", day.AddDays(2)), ("d", "Viewed", day.AddDays(3)) })
        {
            ids[key] = TailorAppFixture.NewId(key);
            await app.Ingest.SendAsync("/v1/track", new { userId, messageId = ids[key], @event = name, timestamp = Http.Iso(at) });
        }
        await app.WaitForPipelineAsync();
        var id = (await app.Admin.LookupAsync("userId", userId)).Id();

        Assert.Equal([ids["d"], ids["c"], ids["b"], ids["a"]], (await app.Admin.EventsAsync(id)).MessageIds());
        Assert.Equal([ids["d"], ids["c"], ids["a"]], (await app.Admin.EventsAsync(id, "name=Viewed")).MessageIds());
        Assert.Equal([ids["c"], ids["b"]], (await app.Admin.EventsAsync(id, $"from={Http.Query(day.AddDays(1))}&to={Http.Query(day.AddDays(3))}")).MessageIds());
        Assert.Equal([ids["c"]], (await app.Admin.EventsAsync(id, $"name=Viewed&from={Http.Query(day.AddHours(1))}&to={Http.Query(day.AddDays(3))}")).MessageIds());
        Assert.Equal([ids["d"], ids["c"]], (await app.Admin.EventsAsync(id, "limit=2")).MessageIds());
    }

    [Fact]
    public async Task Events_page_backwards_with_before()
    {
        var userId = TailorAppFixture.NewId("paging");
        for (var i = 0; i < 5; i++)
            await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Tick", timestamp = Http.Iso(new DateTimeOffset(2024, 1, 1, 0, i, 0, TimeSpan.Zero)) });
        await app.WaitForPipelineAsync();
        var id = (await app.Admin.LookupAsync("userId", userId)).Id();

        var first = await app.Admin.EventsAsync(id, "limit=3");
        var next = await app.Admin.EventsAsync(id, $"limit=3&before={(long)first[^1]!["sequence"]!}");

        Assert.Equal(3, first.Count);
        Assert.Equal(2, next.Count);
        Assert.Empty(first.MessageIds().Intersect(next.MessageIds()));
    }

    [Fact]
    public async Task Events_query_with_from_after_to_is_refused()
    {
        var userId = TailorAppFixture.NewId("bad-range");
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "x" });
        await app.WaitForPipelineAsync();
        var id = (await app.Admin.LookupAsync("userId", userId)).Id();
        var now = DateTimeOffset.UtcNow;

        using var response = await app.Admin.GetResponseAsync($"/api/profiles/{id}/events?from={Http.Query(now)}&to={Http.Query(now.AddDays(-1))}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "from", "must not be after 'to'");
    }

    [Fact]
    public async Task Trait_history_keeps_every_value_and_the_latest_timestamp_wins()
    {
        var userId = TailorAppFixture.NewId("history");
        var t0 = new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero);
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { plan = "free", city = "Oslo" }, timestamp = Http.Iso(t0) });
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { plan = "pro" }, timestamp = Http.Iso(t0.AddDays(2)) });
        // Arrives last but happened in between: kept in history, does not overwrite the newer value.
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { plan = "basic" }, timestamp = Http.Iso(t0.AddDays(1)) });
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);

        var history = await app.Admin.GetArrayAsync($"/api/profiles/{profile.Id()}/traits/history?name=plan");

        Assert.Equal(["free", "basic", "pro"], history.Select(h => (string)h!["value"]!));
        Assert.Equal([t0, t0.AddDays(1), t0.AddDays(2)], history.Select(h => (DateTimeOffset)h!["at"]!));
        Assert.All(history, h => Assert.Equal("plan", (string)h!["name"]!));
        Assert.Equal("pro", (string)profile["traits"]!["plan"]!);
        Assert.Equal(4, (await app.Admin.GetArrayAsync($"/api/profiles/{profile.Id()}/traits/history")).Count);
    }

    [Fact]
    public async Task Search_finds_live_profiles_by_trait_value()
    {
        var company = TailorAppFixture.NewId("company");
        var first = TailorAppFixture.NewId("s1");
        var second = TailorAppFixture.NewId("s2");
        var other = TailorAppFixture.NewId("s3");
        await app.Ingest.SendAsync("/v1/identify", new { userId = first, traits = new { company, employees = 12 } });
        await app.Ingest.SendAsync("/v1/identify", new { userId = second, traits = new { company, vip = true } });
        await app.Ingest.SendAsync("/v1/identify", new { userId = other, traits = new { company = company + "-other" } });
        await app.WaitForPipelineAsync();

        var found = await app.Admin.GetArrayAsync($"/api/profiles?trait=company&value={company}");
        var quoted = await app.Admin.GetArrayAsync($"/api/profiles?trait=company&value={Uri.EscapeDataString($"\"{company}\"")}");
        var vip = await app.Admin.GetArrayAsync("/api/profiles?trait=vip&value=true&limit=1000");

        var expected = new[] { (await app.Admin.LookupAsync("userId", first)).Id(), (await app.Admin.LookupAsync("userId", second)).Id() }.Order();
        Assert.Equal(expected, found.Select(p => p!.AsObject().Id()).Order());
        Assert.Equal(expected, quoted.Select(p => p!.AsObject().Id()).Order());
        Assert.Contains((await app.Admin.LookupAsync("userId", second)).Id(), vip.Select(p => p!.AsObject().Id()));
    }

    [Fact]
    public async Task Search_without_a_trait_is_refused()
    {
        using var response = await app.Admin.GetResponseAsync("/api/profiles?value=x");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "trait", "is required");
    }

    [Fact]
    public async Task Consent_set_through_the_API_is_recorded_with_where_and_source()
    {
        var userId = TailorAppFixture.NewId("consent");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { name = "Cleo" } });
        await app.WaitForPipelineAsync();
        var id = (await app.Admin.LookupAsync("userId", userId)).Id();

        using var response = await app.Admin.PutObjectAsync($"/api/profiles/{id}/consent", new { purposes = new { email = true, sms = false }, where = "support call" });

        await response.ShouldBeAsync(HttpStatusCode.Accepted);
        Assert.Equal(id, (string)(await response.JsonAsync())["profileId"]!);
        await app.WaitForPipelineAsync();
        var consent = (await app.Admin.ProfileAsync(id))["consent"]!;
        Assert.True((bool)consent["email"]!["granted"]!);
        Assert.False((bool)consent["sms"]!["granted"]!);
        Assert.Equal("support call", (string)consent["email"]!["where"]!);
        Assert.Equal("api", (string)consent["email"]!["source"]!);
    }

    [Fact]
    public async Task Consent_sent_by_a_client_is_recorded_with_the_page_it_was_given_on()
    {
        var userId = TailorAppFixture.NewId("consent-client");
        await app.Ingest.SendAsync("/v1/track", new
        {
            userId, @event = "Consent Given",
            context = new { consent = new { categoryPreferences = new { Personalization = true } }, page = new { url = "https://shop.example/cookies" } },
        });
        await app.WaitForPipelineAsync();

        var consent = (await app.Admin.LookupAsync("userId", userId))["consent"]!;

        Assert.True((bool)consent["personalization"]!["granted"]!);
        Assert.Equal("https://shop.example/cookies", (string)consent["personalization"]!["where"]!);
    }

    [Fact]
    public async Task Consent_without_purposes_is_refused()
    {
        var userId = TailorAppFixture.NewId("consent-empty");
        await app.Ingest.SendAsync("/v1/identify", new { userId });
        await app.WaitForPipelineAsync();
        var id = (await app.Admin.LookupAsync("userId", userId)).Id();

        using var response = await app.Admin.PutObjectAsync($"/api/profiles/{id}/consent", new { purposes = new { } });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "purposes", "at least one purpose");
    }

    [Fact]
    public async Task Tags_are_added_and_removed_hierarchically_through_the_API()
    {
        var anonymousId = TailorAppFixture.NewId("tags");
        await app.Ingest.SendAsync("/v1/page", new { anonymousId });
        await app.WaitForPipelineAsync();
        var id = (await app.Admin.LookupAsync("anonymousId", anonymousId)).Id();

        using (var added = await app.Admin.PostObjectAsync($"/api/profiles/{id}/tags", new { add = new[] { "loyal/high-value", " trial ", "newsletter" } }))
            await added.ShouldBeAsync(HttpStatusCode.Accepted);
        await app.WaitForPipelineAsync();
        var afterAdd = (await app.Admin.ProfileAsync(id))["tags"]!.AsArray().Select(t => (string)t!).ToArray();

        using (var removed = await app.Admin.PostObjectAsync($"/api/profiles/{id}/tags", new { remove = new[] { "loyal", "trial" } }))
            await removed.ShouldBeAsync(HttpStatusCode.Accepted);
        await app.WaitForPipelineAsync();
        var afterRemove = (await app.Admin.ProfileAsync(id))["tags"]!.AsArray().Select(t => (string)t!).ToArray();

        Assert.Equal(["loyal/high-value", "newsletter", "trial"], afterAdd);
        Assert.Equal(["newsletter"], afterRemove);
    }

    [Fact]
    public async Task Tag_change_without_tags_is_refused()
    {
        var anonymousId = TailorAppFixture.NewId("tags-empty");
        await app.Ingest.SendAsync("/v1/page", new { anonymousId });
        await app.WaitForPipelineAsync();
        var id = (await app.Admin.LookupAsync("anonymousId", anonymousId)).Id();

        using var empty = await app.Admin.PostObjectAsync($"/api/profiles/{id}/tags", new { add = Array.Empty<string>() });
        using var blank = await app.Admin.PostObjectAsync($"/api/profiles/{id}/tags", new { add = new[] { " / " } });

        await empty.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "add", "at least one tag");
        await blank.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "add", "at least one non-empty level");
    }

    [Fact]
    public async Task Consent_and_tags_for_an_unknown_profile_are_404()
    {
        using var consent = await app.Admin.PutObjectAsync("/api/profiles/prf_missing/consent", new { purposes = new { email = true } });
        using var tags = await app.Admin.PostObjectAsync("/api/profiles/prf_missing/tags", new { add = new[] { "x" } });

        await consent.ShouldBeAsync(HttpStatusCode.NotFound);
        await tags.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    private static DateTimeOffset Truncated(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static System.Text.Json.JsonValueKind JsonValueKind(JsonObject profile, string property) =>
        profile[property]?.GetValueKind() ?? System.Text.Json.JsonValueKind.Undefined;
}
