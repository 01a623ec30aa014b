using System;
using System.Threading;

namespace AoaiHardening.Arm
{
    /// <summary>A synchronous wait that Ctrl+C ends at once: waits, then throws if the token was cancelled meanwhile.</summary>
    internal static class CancellableDelay
    {
        public static void Wait(TimeSpan delay, CancellationToken cancellation)
        {
            // CancellationToken.None has a wait handle that is never set, so this serves uncancellable callers too.
            if (delay > TimeSpan.Zero) cancellation.WaitHandle.WaitOne(delay);
            cancellation.ThrowIfCancellationRequested();
        }
    }
}
