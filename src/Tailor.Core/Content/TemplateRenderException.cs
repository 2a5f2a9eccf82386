namespace Tailor.Core.Content;

/// <summary>A template failed while rendering (not while parsing), e.g. a filter given a value it cannot take.</summary>
public sealed class TemplateRenderException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
