namespace Tailor.Server.Triggers;

/// <summary>A webhook's host resolved to an address the <see cref="WebhookAddressPolicy"/> forbids; no connection was made.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message);
