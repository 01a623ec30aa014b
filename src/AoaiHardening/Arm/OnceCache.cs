using System;
using System.Collections.Concurrent;
using System.Threading;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// Values loaded at most once per key (case-insensitive, like ARM ids), even when several scan threads ask at once:
    /// the first loads, the others wait for it. A failure is remembered like a value, so every caller of that key reports
    /// the same error without asking ARM again.
    /// </summary>
    internal sealed class OnceCache<T>
    {
        private readonly ConcurrentDictionary<string, Lazy<T>> _items = new ConcurrentDictionary<string, Lazy<T>>(StringComparer.OrdinalIgnoreCase);

        public T Get(string key, Func<T> load) =>
            _items.GetOrAdd(key, _ => new Lazy<T>(load, LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }
}
