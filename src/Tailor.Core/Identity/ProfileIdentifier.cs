namespace Tailor.Core.Identity;

/// <summary>One identifier of a profile, such as <c>userId:42</c> or <c>email:ann@example.com</c>.</summary>
public readonly record struct ProfileIdentifier(string Type, string Value)
{
    public override string ToString() => $"{Type}:{Value}";
}
