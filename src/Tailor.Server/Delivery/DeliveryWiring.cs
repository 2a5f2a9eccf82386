using Tailor.Application.Delivery;
using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Hosting;
using Tailor.Server.Triggers;

namespace Tailor.Server.Delivery;

/// <summary>
/// Wires delivery: the email composer campaigns and triggers share, the one frequency-cap policy, the trigger
/// actions' payload renderer, a channel per action kind and the worker that empties the outbox through them.
/// </summary>
public static class DeliveryWiring
{
    /// <exception cref="FormatException"><see cref="TailorServerOptions.Caps"/> is not valid: the start stops with the reason.</exception>
    public static IServiceCollection AddDelivery(this IServiceCollection services, TailorServerOptions options)
    {
        var caps = FrequencyCap.ParseGlobal(options.Caps);
        services.AddSingleton(sp => new FrequencyPolicy(sp.GetRequiredService<IContactLog>(), caps));
        services.AddSingleton(sp => new ActionPayloads(sp.GetRequiredService<LiquidEngine>()));
        services.AddSingleton<EmailComposer>();
        services.AddSingleton<DeliveryConsent>();
        services.AddSingleton<IDeliveryChannel, EmailChannel>();
        services.AddSingleton<IDeliveryChannel, WebhookChannel>();
        services.AddSingleton<IDeliveryChannel, ProfileChangeChannel>();
        services.AddSingleton<DeliveryWorker>();
        return services;
    }
}
