namespace Tailor.Core.Storage;

/// <summary><paramref name="Neighbour"/> is related to <paramref name="Item"/> with <paramref name="Score"/> (a cosine similarity, or a rule's lift).</summary>
public sealed record ItemNeighbour(string Item, string Neighbour, double Score);
