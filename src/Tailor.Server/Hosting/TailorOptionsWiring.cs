using Microsoft.Extensions.Options;

namespace Tailor.Server.Hosting;

/// <summary>Binds and registers <see cref="TailorServerOptions"/>, validated when the host starts.</summary>
public static class TailorOptionsWiring
{
    /// <summary>
    /// Binds the <c>Tailor</c> section of the builder's configuration over <paramref name="options"/> (what the caller
    /// set stays unless the section sets it too), registers the result as <see cref="TailorServerOptions"/> and
    /// <c>IOptions&lt;TailorServerOptions&gt;</c>, and validates it with <see cref="TailorServerOptionsValidator"/>: at once,
    /// before the store is opened (so a bad setting touches nothing and no service is built from it), and on start.
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting breaks its rule; the message names each key and rule.</exception>
    public static TailorServerOptions AddTailorOptions(this WebApplicationBuilder builder, TailorServerOptions options)
    {
        try
        {
            // A key that names no setting (a typo in appsettings.json) stops the start rather than being ignored.
            builder.Configuration.GetSection(TailorServerOptions.Section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TailorServerOptions), [Describe(e)]);
        }
        if (new TailorServerOptionsValidator().Validate(Options.DefaultName, options) is { Failed: true } invalid)
            throw new OptionsValidationException(Options.DefaultName, typeof(TailorServerOptions), invalid.Failures);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IValidateOptions<TailorServerOptions>, TailorServerOptionsValidator>();
        builder.Services.AddSingleton<IOptionsFactory<TailorServerOptions>>(sp => new GivenOptionsFactory(options,
            sp.GetServices<IConfigureOptions<TailorServerOptions>>(), sp.GetServices<IPostConfigureOptions<TailorServerOptions>>(),
            sp.GetServices<IValidateOptions<TailorServerOptions>>()));
        builder.Services.AddOptions<TailorServerOptions>().ValidateOnStart();
        return options;
    }

    /// <summary>The binder's message, which names the key (a value that does not convert, or a key that names no setting).</summary>
    public static string Describe(InvalidOperationException e) => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;

    /// <summary>The options are the instance already bound (the store was opened with it), not a new one bound again.</summary>
    private sealed class GivenOptionsFactory(TailorServerOptions given, IEnumerable<IConfigureOptions<TailorServerOptions>> setups,
        IEnumerable<IPostConfigureOptions<TailorServerOptions>> postConfigures, IEnumerable<IValidateOptions<TailorServerOptions>> validations)
        : OptionsFactory<TailorServerOptions>(setups, postConfigures, validations)
    {
        protected override TailorServerOptions CreateInstance(string name) => given;
    }
}
