namespace Tailor.Server.Privacy;

/// <summary>Wires encryption at rest: the background re-encryption pass (the store is opened with the keys by <see cref="EncryptionAtRest"/>).</summary>
public static class EncryptionWiring
{
    public static IServiceCollection AddTailorEncryption(this IServiceCollection services)
    {
        services.AddHostedService<EncryptionRotation>();
        return services;
    }
}
