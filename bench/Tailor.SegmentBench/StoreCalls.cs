using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Tailor.Core.Storage;

namespace Tailor.SegmentBench;

/// <summary>
/// Where the engine's CPU and allocations go, by segment-store call: a proxy that measures each call (to the end of
/// its task) in process CPU time and bytes allocated. The engine runs alone in the bench and awaits each call before
/// the next, so process-wide figures belong to the call; what is left of the engine's total is its own work.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives the proxy type from this one at run time
internal class StoreCalls : DispatchProxy
#pragma warning restore CA1852
{
    private ISegmentStore _inner = null!;
    private readonly Dictionary<string, (long Calls, TimeSpan Cpu, long Bytes)> _totals = [];

    public bool Enabled { get; set; }

    public ISegmentStore Store { get; private set; } = null!;

    public static StoreCalls Wrap(ISegmentStore inner)
    {
        var proxy = Create<ISegmentStore, StoreCalls>();
        var calls = (StoreCalls)(object)proxy;
        calls._inner = inner;
        calls.Store = proxy;
        return calls;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (!Enabled) return method!.Invoke(_inner, args);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var result = method!.Invoke(_inner, args);
        if (result is Task task) return Measured(task, method.Name, cpu, bytes, method.ReturnType);
        Add(method.Name, cpu, bytes);
        return result;
    }

    private object Measured(Task task, string name, TimeSpan cpu, long bytes, Type returnType)
    {
        var done = task.ContinueWith(t => { Add(name, cpu, bytes); return t; }, TaskContinuationOptions.ExecuteSynchronously).Unwrap();
        if (!returnType.IsGenericType) return done;
        // Task<T>: hand back a task of the same type.
        var cast = typeof(StoreCalls).GetMethod(nameof(Cast), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(returnType.GetGenericArguments()[0]);
        return cast.Invoke(null, [done])!;
    }

    private static async Task<T> Cast<T>(Task task)
    {
        await task;
        return ((Task<T>)task).Result;
    }

    private void Add(string name, TimeSpan cpu, long bytes)
    {
        var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        lock (_totals)
        {
            var (c, t, b) = _totals.GetValueOrDefault(name);
            _totals[name] = (c + 1, t + spent, b + allocated);
        }
    }

    public string Report(int events, TimeSpan engineCpu, long engineBytes)
    {
        var text = new StringBuilder("| store call | calls | CPU µs/event | share of engine CPU | KB allocated/event | share of allocations |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        TimeSpan cpu = TimeSpan.Zero;
        long bytes = 0;
        foreach (var (name, (calls, spent, allocated)) in _totals.OrderByDescending(t => t.Value.Cpu))
        {
            cpu += spent;
            bytes += allocated;
            text.Append(Row(name, calls.ToString("N0", CultureInfo.InvariantCulture), spent, allocated));
        }
        text.Append(Row("the engine's own work (the rest)", "", engineCpu - cpu, engineBytes - bytes));
        return text.ToString();

        string Row(string name, string calls, TimeSpan spent, long allocated) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {calls} | {spent.TotalMicroseconds / events:F1} | {spent / engineCpu:P0} | {allocated / 1024.0 / events:F1} | {(double)allocated / engineBytes:P0} |\n");
    }
}
