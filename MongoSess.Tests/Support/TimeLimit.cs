using System.Runtime.ExceptionServices;

namespace MongoSessions.Tests.Support;

/// <summary>Runs code on the thread pool and fails the test if it has not finished in time, so a hang cannot stall the run.</summary>
internal static class TimeLimit
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    public static T Run<T>(Func<T> action) => Run(action, Default);

    public static T Run<T>(Func<T> action, TimeSpan limit)
    {
        var task = Task.Run(action);
        try
        {
            if (!task.Wait(limit))
            {
                Assert.Fail($"Did not finish within {limit.TotalSeconds:0.#} s.");
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return task.Result;
    }
}
