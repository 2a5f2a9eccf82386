using Tailor.PropensityBench;

// tailor-propensitybench [--customers N] [--repeat R] [--seed S]: see PropensityBench.
return PropensityBench.Run(args);
