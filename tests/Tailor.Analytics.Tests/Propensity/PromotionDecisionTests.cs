using Tailor.Analytics.Propensity;

namespace Tailor.Analytics.Tests.Propensity;

public sealed class PromotionDecisionTests
{
    [Fact]
    public void A_model_that_validates_worse_than_the_one_in_use_is_not_promoted_and_the_reason_names_both()
    {
        var decision = PromotionDecision.Decide(0.712, 0.745, "run_abc");

        Assert.False(decision.Promoted);
        Assert.Equal("not promoted: CV AUC 0.712 is worse than 0.745 of the model in use (run_abc), which stays in use", decision.Reason);
    }

    [Fact]
    public void A_model_at_least_as_good_as_the_one_in_use_is_promoted()
    {
        Assert.True(PromotionDecision.Decide(0.760, 0.745, "run_abc").Promoted);
        Assert.True(PromotionDecision.Decide(0.74501, 0.74504, "run_abc").Promoted);
    }

    [Fact]
    public void The_first_model_for_a_question_is_promoted_and_an_undefined_auc_never_is()
    {
        Assert.True(PromotionDecision.Decide(0.6, null, null).Promoted);
        Assert.False(PromotionDecision.Decide(double.NaN, null, null).Promoted);
    }
}
