namespace Tailor.Core.Storage;

/// <summary>The two kinds of recommendation runs served side by side.</summary>
public static class RecommendationKinds
{
    public const string Recommend = "recommend";
    public const string Rules = "rules";
}
