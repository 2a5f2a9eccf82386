using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Tailor.Core.Privacy;

/// <summary>
/// Encrypts one stored value with AES-256-GCM under the ring's active key: a random 96-bit nonce, and associated data
/// that binds the ciphertext to where it is stored (its row and field), so a value copied to another row or field does
/// not decrypt. The stored form is text, <c>enc:v{version}:{base64(nonce | ciphertext | tag)}</c>: the version says which
/// key reads it back, so older values stay readable after a rotation.
/// </summary>
/// <remarks>
/// An <see cref="AesGcm"/> is not safe to share between threads: each thread keeps one per key version, and a pool of
/// random nonces (one call to the system's random generator for 256 nonces: a call per value cost as much as the
/// encryption itself).
/// </remarks>
public sealed class FieldCipher : IDisposable
{
    /// <summary>What every stored ciphertext starts with.</summary>
    public const string Prefix = "enc:v";

    /// <summary><see cref="Prefix"/> as UTF-8, for looking for ciphertexts in encoded text.</summary>
    public static ReadOnlySpan<byte> PrefixUtf8 => "enc:v"u8;

    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int MaxPlaintextBytes = 16 * 1024 * 1024;
    private readonly PrivacyKeyRing _keys;
    private readonly Dictionary<int, ThreadLocal<AesGcm>> _ciphers;
    private readonly string _activePrefix;
    private readonly ThreadLocal<NoncePool> _nonces = new(() => new NoncePool());

    public FieldCipher(PrivacyKeyRing keys)
    {
        _keys = keys;
        _ciphers = keys.Versions.ToDictionary(v => v, v => new ThreadLocal<AesGcm>(() => new AesGcm(keys.DataKey(v)!, TagBytes), trackAllValues: true));
        _activePrefix = $"{Prefix}{keys.ActiveVersion}:";
    }

    /// <summary>The key version new values are encrypted under.</summary>
    public int ActiveVersion => _keys.ActiveVersion;

    /// <summary>How every ciphertext of the active key begins (<c>enc:v{version}:</c>).</summary>
    public string ActivePrefix => _activePrefix;

    /// <summary>True when the ring holds data key <paramref name="version"/>.</summary>
    public bool HoldsVersion(int version) => _ciphers.ContainsKey(version);

    /// <summary>The stored form of <paramref name="plaintext"/> (UTF-8), bound to <paramref name="associatedData"/>.</summary>
    public string Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (plaintext.Length > MaxPlaintextBytes) throw new ArgumentOutOfRangeException(nameof(plaintext), "a protected value is at most 16 MiB");
        var sealedLength = NonceBytes + plaintext.Length + TagBytes;
        var rented = ArrayPool<byte>.Shared.Rent(sealedLength);
        try
        {
            var box = rented.AsSpan(0, sealedLength);
            var nonce = box[..NonceBytes];
            _nonces.Value!.Next(nonce);
            _ciphers[_keys.ActiveVersion].Value!.Encrypt(nonce, plaintext, box.Slice(NonceBytes, plaintext.Length), box[^TagBytes..], associatedData);
            return string.Create(_activePrefix.Length + Base64.GetMaxEncodedToUtf8Length(sealedLength), (_activePrefix, rented, sealedLength), static (chars, state) =>
            {
                state._activePrefix.AsSpan().CopyTo(chars);
                Convert.TryToBase64Chars(state.rented.AsSpan(0, state.sealedLength), chars[state._activePrefix.Length..], out _);
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>True when <paramref name="value"/> has the form of a stored ciphertext (it may still fail to decrypt).</summary>
    public static bool LooksEncrypted(ReadOnlySpan<char> value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The key version of a stored ciphertext, or 0 when <paramref name="value"/> is not one.</summary>
    public static int VersionOf(ReadOnlySpan<char> value)
    {
        if (!LooksEncrypted(value)) return 0;
        var rest = value[Prefix.Length..];
        var colon = rest.IndexOf(':');
        return colon > 0 && int.TryParse(rest[..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    /// <summary>
    /// The plaintext (UTF-8) of a stored ciphertext, or null when it is not one this ring can open: an unknown key
    /// version, damaged text, or associated data that does not match (the value was moved from another row or field).
    /// </summary>
    public byte[]? TryDecrypt(ReadOnlySpan<char> value, ReadOnlySpan<byte> associatedData)
    {
        var version = VersionOf(value);
        if (version == 0 || !_ciphers.TryGetValue(version, out var cipher)) return null;
        var encoded = value[(value.IndexOf(':') + 1)..];
        encoded = encoded[(encoded.IndexOf(':') + 1)..];
        var maxLength = encoded.Length / 4 * 3;
        if (maxLength < NonceBytes + TagBytes || maxLength > MaxPlaintextBytes + NonceBytes + TagBytes) return null;
        var rented = ArrayPool<byte>.Shared.Rent(maxLength);
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, rented, out var length) || length < NonceBytes + TagBytes) return null;
            var box = rented.AsSpan(0, length);
            var plaintext = new byte[length - NonceBytes - TagBytes];
            try
            {
                cipher.Value!.Decrypt(box[..NonceBytes], box.Slice(NonceBytes, plaintext.Length), box[^TagBytes..], plaintext, associatedData);
            }
            catch (AuthenticationTagMismatchException)
            {
                return null;
            }
            return plaintext;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void Dispose()
    {
        _nonces.Dispose();
        foreach (var cipher in _ciphers.Values)
        {
            foreach (var aes in cipher.Values) aes.Dispose();
            cipher.Dispose();
        }
    }

    /// <summary>
    /// Random 96-bit nonces drawn from a buffer the system's generator fills 256 at a time: the same random nonces as one
    /// call each, without a call into the native generator per value. Each nonce is handed out once and wiped.
    /// </summary>
    private sealed class NoncePool
    {
        private readonly byte[] _bytes = new byte[NonceBytes * 256];
        private int _at = NonceBytes * 256;

        public void Next(Span<byte> nonce)
        {
            if (_at == _bytes.Length)
            {
                RandomNumberGenerator.Fill(_bytes);
                _at = 0;
            }
            var next = _bytes.AsSpan(_at, NonceBytes);
            next.CopyTo(nonce);
            next.Clear();
            _at += NonceBytes;
        }
    }
}
