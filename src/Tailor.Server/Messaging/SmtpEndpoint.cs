namespace Tailor.Server.Messaging;

/// <summary>Where mail goes, parsed from <c>TAILOR_SMTP=host:port</c>.</summary>
public sealed record SmtpEndpoint(string Host, int Port)
{
    public static SmtpEndpoint Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
            throw new FormatException($"TAILOR_SMTP must be host:port, e.g. 127.0.0.1:25 (got '{value}').");
        if (!int.TryParse(value.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            throw new FormatException($"TAILOR_SMTP port must be a number from 1 to 65535 (got '{value[(colon + 1)..]}').");
        return new SmtpEndpoint(value[..colon].Trim('[', ']'), port);
    }

    public override string ToString() => $"{Host}:{Port}";
}
