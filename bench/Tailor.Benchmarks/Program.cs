using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Tailor.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
