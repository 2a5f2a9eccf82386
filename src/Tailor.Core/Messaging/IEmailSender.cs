namespace Tailor.Core.Messaging;

/// <summary>
/// Hands an email to the outside world. Implementations are safe to call concurrently; a returned task that
/// completes means the receiving server accepted the message. Failures throw <see cref="EmailSendException"/>.
/// </summary>
public interface IEmailSender
{
    ValueTask SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>The message was not accepted; <see cref="Permanent"/> is true when retrying cannot help (bad address, 5xx).</summary>
public sealed class EmailSendException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}
