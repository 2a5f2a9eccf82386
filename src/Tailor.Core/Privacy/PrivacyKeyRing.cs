using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tailor.Core.Privacy;

/// <summary>
/// The keys that protect personal data at rest: versioned AES-256-GCM data keys (the active one encrypts, every one
/// decrypts, so a rotation never makes a stored value unreadable) and one HMAC-SHA256 lookup key (identities are found
/// by its keyed hash without decrypting). Held in a key file or in configuration, never in the database (docs/security.md).
/// </summary>
public sealed class PrivacyKeyRing
{
    /// <summary>The format name a key file starts with.</summary>
    public const string Format = "tailor-privacy-keys/1";

    private const int KeyBytes = 32;
    private readonly Dictionary<int, byte[]> _dataKeys;

    private PrivacyKeyRing(int activeVersion, Dictionary<int, byte[]> dataKeys, byte[] lookupKey)
    {
        ActiveVersion = activeVersion;
        _dataKeys = dataKeys;
        LookupKey = lookupKey;
    }

    /// <summary>The version new values are encrypted under.</summary>
    public int ActiveVersion { get; }

    /// <summary>Every data key version held, oldest first.</summary>
    public IReadOnlyList<int> Versions => [.. _dataKeys.Keys.Order()];

    /// <summary>The HMAC-SHA256 key of <see cref="LookupHasher"/>; it is never rotated (every stored lookup hash depends on it).</summary>
    internal byte[] LookupKey { get; }

    /// <summary>The data key of a version, or null when this ring does not hold it.</summary>
    internal byte[]? DataKey(int version) => _dataKeys.GetValueOrDefault(version);

    /// <summary>
    /// A key for another keyed hash (e.g. pseudonyms), derived from the lookup key with HKDF-SHA256 under
    /// <paramref name="purpose"/>: stable across restarts and nodes sharing the key file, and unrelated to the lookup hashes.
    /// </summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, LookupKey, KeyBytes, info: System.Text.Encoding.UTF8.GetBytes(purpose));

    /// <summary>A new ring: data key version 1 (active) and a lookup key, from the system's cryptographic random source.</summary>
    public static PrivacyKeyRing Generate() =>
        new(1, new Dictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(KeyBytes) }, RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>This ring with a new data key (the next version) made active; the older keys stay for reading.</summary>
    public PrivacyKeyRing WithNewActiveKey()
    {
        var next = _dataKeys.Keys.Max() + 1;
        var keys = new Dictionary<int, byte[]>(_dataKeys) { [next] = RandomNumberGenerator.GetBytes(KeyBytes) };
        return new(next, keys, LookupKey);
    }

    /// <summary>This ring without the data keys older than <paramref name="version"/> (after a re-encryption pass has finished).</summary>
    public PrivacyKeyRing WithoutKeysBefore(int version)
    {
        if (version > ActiveVersion) throw new ArgumentOutOfRangeException(nameof(version), "the active key cannot be retired");
        return new(ActiveVersion, _dataKeys.Where(k => k.Key >= version).ToDictionary(), LookupKey);
    }

    /// <summary>The key file's text (JSON); keep it private (mode 0600) and out of the database.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("active", ActiveVersion);
            w.WriteStartObject("dataKeys");
            foreach (var version in Versions) w.WriteString(version.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(_dataKeys[version]));
            w.WriteEndObject();
            w.WriteString("lookupKey", Convert.ToBase64String(LookupKey));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a key file's text; a malformed one is refused with what is wrong (never with key material).</summary>
    public static PrivacyKeyRing Parse(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException) { throw new FormatException("The privacy key file is not JSON."); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String
                || format.GetString() != Format)
                throw new FormatException($"The privacy key file must have \"format\": \"{Format}\".");
            if (!root.TryGetProperty("active", out var active) || !active.TryGetInt32(out var activeVersion))
                throw new FormatException("The privacy key file must name its active key version (\"active\").");
            if (!root.TryGetProperty("dataKeys", out var keys) || keys.ValueKind != JsonValueKind.Object)
                throw new FormatException("The privacy key file must hold \"dataKeys\".");
            var dataKeys = new Dictionary<int, byte[]>();
            foreach (var key in keys.EnumerateObject())
            {
                if (!int.TryParse(key.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version is < 1 or > 65535)
                    throw new FormatException($"Data key version \"{key.Name}\" must be a number from 1 to 65535.");
                dataKeys[version] = Key(key.Value, $"dataKeys.{key.Name}");
            }
            if (!dataKeys.ContainsKey(activeVersion)) throw new FormatException($"The active key version {activeVersion} is not among the data keys.");
            if (!root.TryGetProperty("lookupKey", out var lookup)) throw new FormatException("The privacy key file must hold \"lookupKey\".");
            return new(activeVersion, dataKeys, Key(lookup, "lookupKey"));
        }
    }

    private static byte[] Key(JsonElement value, string field)
    {
        byte[]? key = null;
        if (value.ValueKind == JsonValueKind.String)
        {
            try { key = Convert.FromBase64String(value.GetString()!); }
            catch (FormatException) { }
        }
        return key is { Length: KeyBytes } ? key : throw new FormatException($"{field} must be {KeyBytes} bytes in base64.");
    }
}
