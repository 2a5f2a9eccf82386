using Tailor.Core.Privacy;
using Tailor.Storage.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>Turns the privacy options into the store's <see cref="PersonalDataProtection"/> (docs/security.md, "Encryption at rest").</summary>
public static class EncryptionAtRest
{
    /// <summary>
    /// The protection the store is opened with, and the key file created on this start (a first run without a
    /// configured key: say so in the log). With encryption off, a key ring that exists still reads older ciphertexts.
    /// </summary>
    public static (PersonalDataProtection Protection, string? CreatedKeyFile) Open(PrivacyOptions options, string dataDirectory)
    {
        var fields = options.EncryptedFields is { Length: > 0 } configured ? configured : PersonalDataProtection.DefaultFields;
        if (!options.EncryptAtRest)
        {
            var existing = !string.IsNullOrWhiteSpace(options.Keys) || !string.IsNullOrWhiteSpace(options.KeyFile) || File.Exists(PrivacyKeyFile.DefaultPath(dataDirectory));
            if (!existing) return (PersonalDataProtection.Off, null);
            var (ring, _, _) = PrivacyKeyFile.Resolve(options.Keys, options.KeyFile, dataDirectory);
            return (new PersonalDataProtection(ring, []), null);
        }
        var (keys, origin, created) = PrivacyKeyFile.Resolve(options.Keys, options.KeyFile, dataDirectory);
        return (new PersonalDataProtection(keys, fields), created ? origin : null);
    }

    /// <summary>The privacy options of a configuration built by <c>TailorConfiguration.Build</c> (for commands that open the store without a server).</summary>
    public static PrivacyOptions OptionsFrom(IConfiguration configuration) =>
        configuration.GetSection($"{Hosting.TailorServerOptions.Section}:Privacy").Get<PrivacyOptions>() ?? new PrivacyOptions();
}
