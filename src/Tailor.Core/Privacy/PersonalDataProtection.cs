using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tailor.Core.Privacy;

/// <summary>
/// What the storage edge does to personal data (issue 13, "PII at rest"): the configured fields (traits, event
/// properties, <c>context.ip</c>) are encrypted where they are written and decrypted where they are read, and identities
/// of a protected type (email, phone) are stored as a keyed hash for lookup beside a ciphertext for display. The core
/// never sees a ciphertext: everything above the store works on clear values.
/// </summary>
/// <remarks>
/// Each ciphertext is bound to a scope (its row, e.g. <c>profile:{id}</c> or <c>event:{source}:{messageId}</c>) and
/// its field name. Reading leaves alone any text that does not open under that binding (a value someone sent that
/// only looks like a ciphertext, or one moved from elsewhere), so hostile input can neither fail a read nor borrow
/// another row's value.
/// </remarks>
public sealed class PersonalDataProtection : IDisposable
{
    private static readonly byte[] EnvelopeStart = Encoding.UTF8.GetBytes("\"" + FieldCipher.Prefix);
    private readonly FieldCipher? _cipher;
    private readonly LookupHasher? _hasher;
    private readonly byte[][] _fields;
    private readonly HashSet<string> _fieldNames;
    private readonly bool _ip;

    /// <param name="keys">The key ring; null turns protection off (nothing encrypted, nothing decrypted).</param>
    /// <param name="fields">Names of the traits and properties to encrypt (matched without regard to ASCII case); <c>ip</c> also means <c>context.ip</c>.</param>
    public PersonalDataProtection(PrivacyKeyRing? keys, IEnumerable<string> fields)
    {
        _fieldNames = keys is null ? new(StringComparer.OrdinalIgnoreCase) : new(fields.Where(f => f.Length > 0), StringComparer.OrdinalIgnoreCase);
        _fields = [.. _fieldNames.Select(Encoding.UTF8.GetBytes)];
        _ip = _fieldNames.Contains("ip");
        if (keys is null) return;
        _cipher = new FieldCipher(keys);
        _hasher = new LookupHasher(keys);
    }

    /// <summary>Protection off: values are stored and read as they are (a test or benchmark baseline).</summary>
    public static PersonalDataProtection Off { get; } = new(null, []);

    /// <summary>The default list of fields encrypted at rest.</summary>
    public static IReadOnlyList<string> DefaultFields { get; } = ["email", "phone", "firstName", "lastName", "first_name", "last_name", "name", "address", "ip"];

    /// <summary>True when a key ring is loaded (values can be decrypted).</summary>
    public bool Enabled => _cipher is not null;

    /// <summary>The key version new values are encrypted under (0 when off).</summary>
    public int ActiveVersion => _cipher?.ActiveVersion ?? 0;

    /// <summary>True when the ring holds data key <paramref name="version"/>.</summary>
    public bool HoldsVersion(int version) => _cipher?.HoldsVersion(version) ?? false;

    /// <summary>True when values of this trait, property or identity type are encrypted.</summary>
    public bool IsProtected(string field) => _fieldNames.Contains(field);

    /// <summary>What an identity is stored and looked up by: the keyed hash for a protected type, else the (normalized) value itself.</summary>
    public string LookupValue(string type, string normalizedValue) =>
        _hasher is not null && IsProtected(type) ? _hasher.Hash(type, normalizedValue) : normalizedValue;

    /// <summary>The keyed hash of any text (key probes, suppression entries), or null when protection is off.</summary>
    public string? KeyedHash(string type, string value) => _hasher?.Hash(type, value);

    /// <summary>A whole column value encrypted when <paramref name="field"/> is protected (an identity, a recipient address).</summary>
    public string? ProtectText(string? value, string field, string scope)
    {
        if (value is null || _cipher is null || !IsProtected(field)) return value;
        return Seal(Encoding.UTF8.GetBytes(value), scope, field);
    }

    /// <summary>A whole column value encrypted whatever the field list says (a dead letter's raw body, which may hold anything).</summary>
    public string? ProtectAlways(string? value, string scope)
    {
        if (value is null || _cipher is null) return value;
        return Seal(Encoding.UTF8.GetBytes(value), scope, "");
    }

    /// <summary>The clear text of a column value written by <see cref="ProtectText"/> or <see cref="ProtectAlways"/>; other text as it is.</summary>
    public string? RevealText(string? value, string field, string scope)
    {
        if (value is null || _cipher is null || !FieldCipher.LooksEncrypted(value)) return value;
        var plain = Open(value, scope, field);
        return plain is null ? value : Encoding.UTF8.GetString(plain);
    }

    /// <summary>An event message (Segment JSON) with its protected <c>traits</c>, <c>context.traits</c>, <c>properties</c> and <c>context.ip</c> encrypted.</summary>
    public string ProtectMessage(string json, string scope) => _fields.Length == 0 ? json : Rewrite(json, scope, Kind.Message, protect: true);

    /// <summary>A traits object (a profile's traits column) with its protected traits encrypted.</summary>
    public string ProtectTraits(string json, string scope) => _fields.Length == 0 ? json : Rewrite(json, scope, Kind.Traits, protect: true);

    /// <summary>One trait value's JSON (a trait history row), encrypted when the trait is protected.</summary>
    public string ProtectValue(string json, string trait, string scope) =>
        _cipher is null || !IsProtected(trait) ? json : "\"" + Seal(Encoding.UTF8.GetBytes(json), scope, trait) + "\"";

    /// <summary>One trait value's JSON written by <see cref="ProtectValue"/>, clear again.</summary>
    public string RevealValue(string json, string trait, string scope)
    {
        if (_cipher is null || json.Length < 2 || json[0] != '"' || !FieldCipher.LooksEncrypted(json.AsSpan(1))) return json;
        var plain = Open(json.AsSpan(1, json.Length - 2), scope, trait);
        return plain is null ? json : Encoding.UTF8.GetString(plain);
    }

    /// <summary>JSON written by <see cref="ProtectMessage"/> or <see cref="ProtectTraits"/>, with every value that opens under its scope clear again.</summary>
    public string Reveal(string json, string scope)
    {
        if (_cipher is null || !json.Contains(FieldCipher.Prefix, StringComparison.Ordinal)) return json;
        return Rewrite(json, scope, Kind.Other, protect: false);
    }

    /// <summary>
    /// <see cref="Reveal(string, string)"/> of UTF-8 JSON (a payload as the log decodes it), made a string once: the
    /// read path of every event the profile pipeline folds, so it neither transcodes the message nor copies it twice.
    /// </summary>
    public string Reveal(ReadOnlySpan<byte> json, string scope) =>
        _cipher is null ? Encoding.UTF8.GetString(json) : Rewrite(json, null, scope, Kind.Other, protect: false);

    /// <summary>True when <paramref name="text"/> holds a ciphertext of a key version other than the active one (a rotation has it to rewrite).</summary>
    public bool HoldsOlderVersion(string? text) => Versions(text) is (_, true);

    /// <summary>
    /// True when <paramref name="text"/> holds ciphertexts, all of the active key: nothing for a rotation to renew, known
    /// without opening any. (A row is written whole under one setting, so it never mixes them with protected values in clear.)
    /// </summary>
    public bool HoldsOnlyActiveVersion(string? text) => Versions(text) is (true, false);

    /// <summary>Whether <paramref name="text"/> holds a ciphertext of the active key, and one of another key.</summary>
    private (bool Active, bool Older) Versions(string? text)
    {
        if (_cipher is null || text is null) return (false, false);
        var active = false;
        for (var at = text.IndexOf(FieldCipher.Prefix, StringComparison.Ordinal); at >= 0; at = text.IndexOf(FieldCipher.Prefix, at + 1, StringComparison.Ordinal))
        {
            if (text.AsSpan(at).StartsWith(_cipher.ActivePrefix, StringComparison.Ordinal)) active = true;
            else if (FieldCipher.VersionOf(text.AsSpan(at)) > 0) return (active, true);
        }
        return (active, false);
    }

    private enum Kind : byte { Other, Message, Context, Traits, Properties }

    private string Rewrite(string json, string scope, Kind rootKind, bool protect)
    {
        var length = Encoding.UTF8.GetByteCount(json);
        var input = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Encoding.UTF8.GetBytes(json, input);
            return Rewrite(input.AsSpan(0, length), json, scope, rootKind, protect);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>
    /// The walk itself, over UTF-8: each protected value sealed (<paramref name="protect"/>) or each envelope opened,
    /// the result built once in a pooled buffer. <paramref name="original"/>, when given, is <paramref name="bytes"/> as
    /// a string, returned as it is when nothing changes.
    /// </summary>
    private string Rewrite(ReadOnlySpan<byte> bytes, string? original, string scope, Kind rootKind, bool protect)
    {
        if (!protect && bytes.IndexOf(EnvelopeStart) < 0) return original ?? Encoding.UTF8.GetString(bytes);
        List<(int Start, int End, byte[] With)>? edits = null;
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
        Span<byte> kinds = stackalloc byte[66];
        var depth = 0;
        int nameStart = 0, nameLength = 0;
        var childKind = Kind.Other;
        var protectNext = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject when protectNext:
                    case JsonTokenType.StartArray when protectNext:
                    {
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        (edits ??= []).Add((start, (int)reader.BytesConsumed, SealJson(bytes[start..(int)reader.BytesConsumed], scope, bytes.Slice(nameStart, nameLength))));
                        protectNext = false;
                        break;
                    }
                    case JsonTokenType.StartObject:
                        kinds[++depth] = (byte)(depth == 1 ? rootKind : childKind);
                        childKind = Kind.Other;
                        break;
                    case JsonTokenType.StartArray:
                        kinds[++depth] = (byte)Kind.Other;
                        childKind = Kind.Other;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        nameStart = (int)reader.TokenStartIndex + 1;
                        nameLength = reader.ValueSpan.Length;
                        if (protect) (childKind, protectNext) = Classify((Kind)kinds[depth], ref reader);
                        break;
                    default: // a scalar
                        var tokenStart = (int)reader.TokenStartIndex;
                        var tokenEnd = (int)reader.BytesConsumed;
                        if (protectNext && reader.TokenType != JsonTokenType.Null)
                            (edits ??= []).Add((tokenStart, tokenEnd, SealJson(bytes[tokenStart..tokenEnd], scope, bytes.Slice(nameStart, nameLength))));
                        else if (!protect && reader.TokenType == JsonTokenType.String && bytes[tokenStart..].StartsWith(EnvelopeStart)
                            && OpenJson(bytes[(tokenStart + 1)..(tokenEnd - 1)], scope, bytes.Slice(nameStart, nameLength)) is { } clear)
                            (edits ??= []).Add((tokenStart, tokenEnd, clear));
                        protectNext = false;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // not JSON this walker can read: stored as it came (the parser upstream decides what is valid)
            return original ?? Encoding.UTF8.GetString(bytes);
        }
        if (edits is null) return original ?? Encoding.UTF8.GetString(bytes);
        var size = bytes.Length;
        foreach (var (start, end, with) in edits) size += with.Length - (end - start);
        var output = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int at = 0, written = 0;
            foreach (var (start, end, with) in edits)
            {
                bytes[at..start].CopyTo(output.AsSpan(written));
                written += start - at;
                with.CopyTo(output.AsSpan(written));
                written += with.Length;
                at = end;
            }
            bytes[at..].CopyTo(output.AsSpan(written));
            return Encoding.UTF8.GetString(output, 0, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>What the value after a property name is: the kind of object it opens, and whether it is encrypted.</summary>
    private (Kind Child, bool Protect) Classify(Kind parent, ref Utf8JsonReader reader)
    {
        switch (parent)
        {
            case Kind.Message:
                if (reader.ValueTextEquals("traits"u8)) return (Kind.Traits, false);
                if (reader.ValueTextEquals("properties"u8)) return (Kind.Properties, false);
                if (reader.ValueTextEquals("context"u8)) return (Kind.Context, false);
                return (Kind.Other, false);
            case Kind.Context:
                if (reader.ValueTextEquals("traits"u8)) return (Kind.Traits, false);
                return (Kind.Other, _ip && reader.ValueTextEquals("ip"u8));
            case Kind.Traits:
            case Kind.Properties:
                return (Kind.Other, IsField(ref reader));
            default:
                return (Kind.Other, false);
        }
    }

    private bool IsField(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return _fieldNames.Contains(reader.GetString()!);
        var name = reader.ValueSpan;
        foreach (var field in _fields)
            if (field.Length == name.Length && Ascii.EqualsIgnoreCase(field, name)) return true;
        return false;
    }

    private byte[] SealJson(ReadOnlySpan<byte> rawValue, string scope, ReadOnlySpan<byte> name)
    {
        var sealedText = Seal(rawValue, scope, name);
        var result = new byte[sealedText.Length + 2];
        result[0] = result[^1] = (byte)'"';
        Encoding.ASCII.GetBytes(sealedText, result.AsSpan(1));
        return result;
    }

    private byte[]? OpenJson(ReadOnlySpan<byte> envelope, string scope, ReadOnlySpan<byte> name)
    {
        Span<char> chars = envelope.Length <= 1024 ? stackalloc char[envelope.Length] : new char[envelope.Length];
        var n = Encoding.ASCII.GetChars(envelope, chars);
        return Open(chars[..n], scope, name);
    }

    private string Seal(ReadOnlySpan<byte> plain, string scope, string field) => Seal(plain, scope, Encoding.UTF8.GetBytes(field));

    private byte[]? Open(ReadOnlySpan<char> envelope, string scope, string field) => Open(envelope, scope, Encoding.UTF8.GetBytes(field));

    private string Seal(ReadOnlySpan<byte> plain, string scope, ReadOnlySpan<byte> field)
    {
        Span<byte> ad = stackalloc byte[Math.Min(AssociatedLength(scope, field), 512)];
        return ad.Length == AssociatedLength(scope, field)
            ? _cipher!.Encrypt(plain, Associated(scope, field, ad))
            : _cipher!.Encrypt(plain, Associated(scope, field, new byte[AssociatedLength(scope, field)]));
    }

    private byte[]? Open(ReadOnlySpan<char> envelope, string scope, ReadOnlySpan<byte> field)
    {
        Span<byte> ad = stackalloc byte[Math.Min(AssociatedLength(scope, field), 512)];
        return ad.Length == AssociatedLength(scope, field)
            ? _cipher!.TryDecrypt(envelope, Associated(scope, field, ad))
            : _cipher!.TryDecrypt(envelope, Associated(scope, field, new byte[AssociatedLength(scope, field)]));
    }

    private static int AssociatedLength(string scope, ReadOnlySpan<byte> field) => Encoding.UTF8.GetByteCount(scope) + 1 + field.Length;

    /// <summary>The associated data: the scope (row), a zero byte, the field name as stored.</summary>
    private static ReadOnlySpan<byte> Associated(string scope, ReadOnlySpan<byte> field, Span<byte> into)
    {
        var n = Encoding.UTF8.GetBytes(scope, into);
        into[n++] = 0;
        field.CopyTo(into[n..]);
        return into[..(n + field.Length)];
    }

    public void Dispose() => _cipher?.Dispose();
}
