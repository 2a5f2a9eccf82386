namespace Tailor.Core.Destinations;

/// <summary>
/// Takes assigned events one at a time as the store reads them, each payload as clear UTF-8 JSON in a buffer the
/// store reuses: an export copies what it keeps of it, and no string is made of the whole payload.
/// </summary>
public interface IAssignedEventVisitor
{
    /// <param name="payload">Valid only during the call.</param>
    void Visit(in AssignedEventColumns columns, ReadOnlySpan<byte> payload);
}
