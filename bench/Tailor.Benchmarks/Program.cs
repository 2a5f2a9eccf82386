using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Tailor.Benchmarks -- --filter '*'
// dotnet run -c Release --project bench/Tailor.Benchmarks -- encryption [events] [rounds]   (encryption at rest, on/off interleaved)
if (args is ["encryption", ..])
{
    await Tailor.Benchmarks.EncryptionAtRestRun.RunAsync(args);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
