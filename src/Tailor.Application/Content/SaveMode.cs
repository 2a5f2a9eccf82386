namespace Tailor.Application.Content;

/// <summary>How a save treats a document of the same name.</summary>
public enum SaveMode
{
    /// <summary>Only a new one: an existing document is a conflict (<c>POST</c>).</summary>
    Create,

    /// <summary>Only an existing one: a missing document is not found (<c>PUT</c>).</summary>
    Replace,

    /// <summary>Either: create it or replace it (the CLI's <c>create</c>).</summary>
    Upsert,
}
