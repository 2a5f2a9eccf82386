using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Privacy;
using Tailor.Core.Profiles;
using Tailor.Tests.Support;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Core.Tests.Pipeline;

/// <summary>
/// The profile pipeline folds a message as stored, its protected values sealed, unless
/// <see cref="ProfileBatch.NeedsOpenedPayload"/> says the fold reads a part that can hold one. These tests fold messages
/// of every kind the fold reads from, with every part it reads protected, both ways and compare.
/// </summary>
public sealed class SealedFoldTests
{
    /// <summary>The default fields plus the properties the fold reads, so that every part it reads is sealed in some message below.</summary>
    private static readonly PersonalDataProtection Protection =
        new(PrivacyKeyRing.Generate(), [.. PersonalDataProtection.DefaultFields, "revenue", "total", "add", "remove"]);

    private static string Scope(TailorEvent e) => $"event:{e.SourceId}:{e.MessageId}";

    private static LoggedEvent Stored(TailorEvent e, long sequence) =>
        new(sequence, e with { Payload = Protection.ProtectMessage(e.Payload, Scope(e)) });

    private static LoggedEvent Opened(LoggedEvent stored) =>
        stored with { Event = stored.Event with { Payload = Protection.Reveal(stored.Event.Payload, Scope(stored.Event)) } };

    /// <summary>What the pipeline folds: the message as stored, or opened when the fold reads a part that can be sealed.</summary>
    private static EventView AsThePipelineReadsIt(LoggedEvent stored)
    {
        var view = EventView.Parse(stored);
        return ProfileBatch.NeedsOpenedPayload(view) ? EventView.Parse(Opened(stored)) : view;
    }

    /// <summary>Everything a batch commits, as JSON (profile ids are drawn in order, so two folds of the same events agree).</summary>
    private static string Fold(IEnumerable<EventView> views)
    {
        var batch = new ProfileBatch([], new ProfileReducer(EngagementWeights.Default), T0.AddDays(1));
        foreach (var view in views) batch.Apply(view);
        var changes = batch.ToChangeSet(0, 100);
        return JsonSerializer.Serialize(new
        {
            changes.Profiles, changes.Links, changes.Assignments, changes.TraitHistory, changes.Merges, changes.Refusals, changes.ConsentHistory,
        });
    }

    [Fact]
    public void Folding_each_message_as_the_pipeline_reads_it_equals_folding_every_message_opened()
    {
        var stored = VisitorDay.Messages().Select((e, i) => Stored(e, i + 1)).ToArray();

        var expected = Fold(stored.Select(s => EventView.Parse(Opened(s))));
        var actual = Fold(stored.Select(AsThePipelineReadsIt));

        Assert.Equal(expected, actual);
        Assert.Contains("ann.lee@example.com", expected, StringComparison.Ordinal); // the opened fold did see clear values
        Assert.Contains("198.51.100.7", expected, StringComparison.Ordinal);      // ... and the IP as the consent's "where"
        Assert.DoesNotContain(FieldCipher.Prefix, expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_and_product_views_are_folded_without_opening_though_they_carry_sealed_values()
    {
        var stored = VisitorDay.Messages().Select((e, i) => Stored(e, i + 1)).ToArray();
        var views = stored.Where(s => s.Event.Type == EventType.Page || s.Event.Name == "Product Viewed").ToArray();

        Assert.Equal(4, views.Length);
        Assert.All(views, s => Assert.Contains(FieldCipher.Prefix, s.Event.Payload, StringComparison.Ordinal));
        Assert.All(views, s => Assert.False(ProfileBatch.NeedsOpenedPayload(EventView.Parse(s))));
    }

    [Fact]
    public void Traits_consent_orders_and_tag_updates_are_opened()
    {
        var stored = VisitorDay.Messages().Select((e, i) => Stored(e, i + 1)).ToArray();
        var opened = stored.Where(s => ProfileBatch.NeedsOpenedPayload(EventView.Parse(s))).Select(s => s.Event.Name ?? s.Event.Type.ToWire());

        Assert.Equal(["identify", ProfileReducer.OrderCompleted, "Newsletter Joined", "Consent Given", "identify", ProfileReducer.TagsUpdated], opened);
    }
}
