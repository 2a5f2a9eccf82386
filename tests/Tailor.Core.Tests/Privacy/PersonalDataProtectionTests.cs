using System.Text.Json;
using Tailor.Core.Privacy;

namespace Tailor.Core.Tests.Privacy;

public sealed class PersonalDataProtectionTests
{
    private static readonly PersonalDataProtection Protection = new(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields);

    [Fact]
    public void Lookup_hash_matches_an_independent_hmac_sha256()
    {
        // python3 -c "import hmac,hashlib; print(hmac.new(bytes(range(32)), b'email\x00ada@example.com', hashlib.sha256).hexdigest())"
        var ring = PrivacyKeyRing.Parse("""
            {"format":"tailor-privacy-keys/1","active":1,"dataKeys":{"1":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},"lookupKey":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}
            """);
        var hash = new LookupHasher(ring).Hash("email", "ada@example.com");
        Assert.StartsWith(LookupHasher.Prefix, hash, StringComparison.Ordinal);
        Assert.Equal("ab7633e9aa5fb26b48b11b6c9f0080f9075f6a1d2d2cf95961e6670b759cbd96",
            Convert.ToHexStringLower(System.Buffers.Text.Base64Url.DecodeFromChars(hash.AsSpan(LookupHasher.Prefix.Length))));
    }

    [Fact]
    public void Protected_traits_properties_and_ip_are_encrypted_and_read_back_exactly()
    {
        const string message = """{"type":"identify","messageId":"m1","traits":{"email":"ada@example.com","plan":"pro","address":{"city":"Zürich"},"Phone":"+41 79 000"},"context":{"ip":"203.0.113.9","traits":{"name":"Ada"},"locale":"en"},"properties":{"name":"Ada L","price":3}}""";
        var stored = Protection.ProtectMessage(message, "event:s:m1");
        foreach (var clear in new[] { "ada@example.com", "Zürich", "+41 79 000", "203.0.113.9", "\"Ada\"", "Ada L" })
            Assert.DoesNotContain(clear, stored, StringComparison.Ordinal);
        Assert.Contains("\"plan\":\"pro\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"locale\":\"en\"", stored, StringComparison.Ordinal);
        using (JsonDocument.Parse(stored)) { } // still JSON: the SQL over other fields keeps working
        Assert.Equal(message, Protection.Reveal(stored, "event:s:m1"));
        Assert.Equal(message, Protection.Reveal(System.Text.Encoding.UTF8.GetBytes(stored), "event:s:m1")); // the log's UTF-8 read path
        Assert.Equal(stored, Protection.Reveal(System.Text.Encoding.UTF8.GetBytes(stored), "event:s:m2")); // another row's: left sealed
        Assert.Equal("""{"plan":"pro"}""", Protection.Reveal("""{"plan":"pro"}"""u8, "event:s:m1"));
    }

    [Fact]
    public void A_ciphertext_moved_to_another_row_or_field_does_not_open()
    {
        var stored = Protection.ProtectTraits("""{"email":"ada@example.com"}""", "profile:p1");
        Assert.Equal(stored, Protection.Reveal(stored, "profile:p2"));
        var moved = stored.Replace("\"email\"", "\"phone\"", StringComparison.Ordinal);
        Assert.Equal(moved, Protection.Reveal(moved, "profile:p1"));
    }

    [Fact]
    public void A_sent_value_that_looks_like_a_ciphertext_reads_back_as_sent()
    {
        const string traits = """{"plan":"enc:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","email":"enc:v1:x"}""";
        var stored = Protection.ProtectTraits(traits, "profile:p1");
        Assert.Equal(traits, Protection.Reveal(stored, "profile:p1"));
    }

    [Fact]
    public void Values_under_an_older_key_still_read_after_a_rotation_and_are_found_for_re_encryption()
    {
        var ring = PrivacyKeyRing.Generate();
        using var before = new PersonalDataProtection(ring, ["email"]);
        var stored = before.ProtectTraits("""{"email":"ada@example.com"}""", "profile:p1");
        using var after = new PersonalDataProtection(PrivacyKeyRing.Parse(ring.WithNewActiveKey().ToJson()), ["email"]);
        Assert.True(after.HoldsOlderVersion(stored));
        Assert.Equal("""{"email":"ada@example.com"}""", after.Reveal(stored, "profile:p1"));
        var rewritten = after.ProtectTraits(after.Reveal(stored, "profile:p1"), "profile:p1");
        Assert.StartsWith("{\"email\":\"enc:v2:", rewritten, StringComparison.Ordinal);
        Assert.False(after.HoldsOlderVersion(rewritten));
    }

    [Fact]
    public void Identity_of_a_protected_type_is_looked_up_by_its_keyed_hash()
    {
        Assert.StartsWith(LookupHasher.Prefix, Protection.LookupValue("email", "ada@example.com"), StringComparison.Ordinal);
        Assert.Equal(Protection.LookupValue("email", "ada@example.com"), Protection.LookupValue("email", "ada@example.com"));
        Assert.NotEqual(Protection.LookupValue("email", "ada@example.com"), Protection.LookupValue("phone", "ada@example.com"));
        Assert.Equal("u1", Protection.LookupValue("userId", "u1"));
        var text = Protection.ProtectText("ada@example.com", "email", "identity:x")!;
        Assert.StartsWith("enc:v1:", text, StringComparison.Ordinal);
        Assert.Equal("ada@example.com", Protection.RevealText(text, "email", "identity:x"));
    }

    [Fact]
    public void A_malformed_key_file_is_refused_naming_what_is_wrong()
    {
        var e = Assert.Throws<FormatException>(() => PrivacyKeyRing.Parse("""{"format":"tailor-privacy-keys/1","active":2,"dataKeys":{"1":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},"lookupKey":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}"""));
        Assert.Contains("active key version 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => PrivacyKeyRing.Parse("""{"format":"tailor-privacy-keys/1","active":1,"dataKeys":{"1":"c2hvcnQ="},"lookupKey":"c2hvcnQ="}"""));
    }

    [Fact]
    public void Protection_off_stores_values_as_they_are()
    {
        const string message = """{"traits":{"email":"ada@example.com"}}""";
        Assert.Same(message, PersonalDataProtection.Off.ProtectMessage(message, "s"));
        Assert.Equal("ada@example.com", PersonalDataProtection.Off.LookupValue("email", "ada@example.com"));
    }
}
