namespace Tailor.Core.Content;

/// <summary><c>{% render 'name' %}</c> or <c>{% include 'name' %}</c> named no stored template: the render fails, naming it.</summary>
public sealed class SnippetNotFoundException(string name) : Exception($"there is no template named '{name}' to render or include")
{
    public string Name { get; } = name;
}
