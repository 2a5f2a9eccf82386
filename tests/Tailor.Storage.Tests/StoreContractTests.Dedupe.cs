using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>Deduplication is scoped per source: the key is (source, messageId), as in Segment.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Same_message_id_from_two_sources_is_stored_twice()
    {
        var web = Track("A", At(1), "u1", messageId: "m-shared") with { SourceId = "src_web" };
        var app = Track("A", At(1), "u1", messageId: "m-shared") with { SourceId = "src_app" };

        Assert.Equal((bool[])[true, true], await Store.Events.AppendAsync([web, app], Ct));
        Assert.Equal((bool[])[false, false], await Store.Events.AppendAsync([app, web], Ct));

        Assert.Equal([web, app], (await Store.Events.ReadAfterAsync(0, 10, Ct)).Select(l => l.Event));
    }

    [Fact]
    public async Task Same_message_id_from_one_source_is_stored_once_beside_another_sources_copy()
    {
        var web = Track("A", At(1), "u1", messageId: "m-1") with { SourceId = "src_web" };
        var webAgain = Track("A", At(2), "u1", messageId: "m-1") with { SourceId = "src_web" };
        var app = Track("A", At(3), "u1", messageId: "m-1") with { SourceId = "src_app" };

        Assert.Equal((bool[])[true, false, true, false], await Store.Events.AppendAsync([web, webAgain, app, webAgain], Ct));

        Assert.Equal([web, app], (await Store.Events.ReadAfterAsync(0, 10, Ct)).Select(l => l.Event));
    }
}
