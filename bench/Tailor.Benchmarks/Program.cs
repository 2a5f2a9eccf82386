using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Tailor.Benchmarks -- --filter '*'
// dotnet run -c Release --project bench/Tailor.Benchmarks -- encryption [events] [rounds]   (encryption at rest, on/off interleaved)
// dotnet run -c Release --project bench/Tailor.Benchmarks -- fold-split [events] [rounds]   (the fold's CPU: resolution alone against the whole)
// dotnet run -c Release --project bench/Tailor.Benchmarks -- working-set FILE [events]   (the heap the profile pipeline holds after folding)
// dotnet run -c Release --project bench/Tailor.Benchmarks -- encryption-cpu [events]   (the storage edge's CPU per event, and its parts)
if (args is ["encryption-cpu", ..])
{
    Tailor.Benchmarks.EncryptionAtRestRun.CpuOnly(args);
    return;
}
if (args is ["working-set", ..])
{
    await Tailor.Benchmarks.WorkingSetRun.RunAsync(args);
    return;
}
if (args is ["fold-split", ..])
{
    await Tailor.Benchmarks.FoldSplitRun.RunAsync(args);
    return;
}
if (args is ["encryption", ..])
{
    await Tailor.Benchmarks.EncryptionAtRestRun.RunAsync(args);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
