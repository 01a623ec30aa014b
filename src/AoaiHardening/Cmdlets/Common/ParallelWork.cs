using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// Bounded parallel work for a cmdlet. The pipeline thread adds items and takes results (in completion order) and is
    /// the only one that writes them; <c>limit</c> dedicated worker threads run the work. Dedicated threads, not the
    /// thread pool: the work blocks on synchronous HTTP (Azure.Core's netstandard2.0 transport waits on async calls,
    /// whose continuations need free pool threads). Items carry a partition (their subscription) and workers take from
    /// the partition with the fewest items running, so one subscription's ARM budget never holds up the others.
    /// </summary>
    internal sealed class ParallelWork<TIn, TOut> : IDisposable
    {
        private readonly object _sync = new object();
        private readonly Func<TIn, TOut> _work;
        private readonly int _limit;
        private readonly int _capacity;
        private readonly CancellationToken _cancellation;
        private readonly Dictionary<string, Queue<(long Order, TIn Item)>> _queues = new Dictionary<string, Queue<(long Order, TIn Item)>>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, int> _running = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _partitions = new List<string>();
        private readonly Queue<Completed> _done = new Queue<Completed>();
        // In-order mode: results completed ahead of an earlier item wait here, keyed by the order they were added in.
        private readonly SortedDictionary<long, Completed> _held = new SortedDictionary<long, Completed>();
        private readonly bool _inAddedOrder;
        private long _nextToTake;
        private readonly List<Thread> _threads = new List<Thread>();
        private int _queued;
        private int _runningTotal;
        private bool _closed;

        /// <param name="limit">Worker threads (items in progress at once).</param>
        /// <param name="capacity">Items queued, running or done-but-not-taken before <see cref="IsFull"/>: bounds memory.</param>
        /// <param name="inAddedOrder">Take results in the order their items were added, not the order they complete in.</param>
        public ParallelWork(int limit, int capacity, Func<TIn, TOut> work, CancellationToken cancellation, bool inAddedOrder = false)
        {
            _inAddedOrder = inAddedOrder;
            _limit = Math.Max(1, limit);
            _capacity = Math.Max(_limit, capacity);
            _work = work;
            _cancellation = cancellation;
        }

        public int Added { get; private set; }
        public int Taken { get; private set; }

        public int Running
        {
            get { lock (_sync) return _runningTotal; }
        }

        /// <summary>The pipeline thread should take results before adding more.</summary>
        public bool IsFull
        {
            get { lock (_sync) return _queued + _runningTotal + _done.Count + _held.Count >= _capacity; }
        }

        /// <summary>Nothing queued, running or waiting to be taken.</summary>
        public bool IsIdle
        {
            get { lock (_sync) return _queued == 0 && _runningTotal == 0 && _done.Count == 0; }
        }

        public void Add(TIn item, string partition)
        {
            lock (_sync)
            {
                if (!_queues.TryGetValue(partition, out var queue))
                {
                    _queues[partition] = queue = new Queue<(long, TIn)>();
                    _running[partition] = 0;
                    _partitions.Add(partition);
                }
                queue.Enqueue((Added++, item));
                _queued++;
                // A worker per item until the limit: a single account never waits for thread start-up of others.
                if (_threads.Count < _limit && _threads.Count < _queued + _runningTotal)
                {
                    var thread = new Thread(Work) { IsBackground = true, Name = "AoaiHardening worker " + (_threads.Count + 1) };
                    _threads.Add(thread);
                    thread.Start();
                }
                Monitor.PulseAll(_sync);
            }
        }

        /// <summary>
        /// The results completed so far (in the order added, in that mode: up to the first still pending). With <paramref name="wait"/>, blocks until one completes, nothing is pending, the
        /// operation is cancelled, or 200 ms pass (so the caller can write queued messages and progress meanwhile).
        /// A failure of the work itself is rethrown here, on the pipeline thread.
        /// </summary>
        public IReadOnlyList<TOut> Take(bool wait)
        {
            List<Completed> taken;
            lock (_sync)
            {
                if (wait && _done.Count == 0 && _queued + _runningTotal > 0 && !_cancellation.IsCancellationRequested)
                    Monitor.Wait(_sync, 200);
                taken = _done.ToList();
                _done.Clear();
                if (_inAddedOrder)
                {
                    foreach (var completed in taken) _held[completed.Order] = completed;
                    taken.Clear();
                    while (_held.TryGetValue(_nextToTake, out var next))
                    {
                        _held.Remove(_nextToTake++);
                        taken.Add(next);
                    }
                }
            }
            Taken += taken.Count;
            var failed = taken.FirstOrDefault(c => c.Error != null);
            if (failed != null) throw new InvalidOperationException(failed.Error!.Message, failed.Error);
            return taken.Select(c => c.Result!).ToList();
        }

        public void Dispose()
        {
            lock (_sync)
            {
                _closed = true;
                Monitor.PulseAll(_sync);
            }
        }

        private void Work()
        {
            while (true)
            {
                (long Order, TIn Item) item;
                string partition;
                lock (_sync)
                {
                    while (!TryDequeue(out item, out partition))
                    {
                        if (_closed || _cancellation.IsCancellationRequested) return;
                        Monitor.Wait(_sync, 500);
                    }
                }
                Completed completed;
                try
                {
                    completed = new Completed(item.Order, _work(item.Item), null);
                }
                catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
                {
                    lock (_sync)
                    {
                        Finished(partition);
                        Monitor.PulseAll(_sync);
                    }
                    return;
                }
                catch (Exception ex)
                {
                    completed = new Completed(item.Order, default, ex);
                }
                lock (_sync)
                {
                    Finished(partition);
                    _done.Enqueue(completed);
                    Monitor.PulseAll(_sync);
                }
            }
        }

        /// <summary>Caller holds the lock. A drained partition leaves the rotation, so a long scan does not keep visiting it.</summary>
        private void Finished(string partition)
        {
            _runningTotal--;
            if (--_running[partition] > 0 || _queues[partition].Count > 0) return;
            _queues.Remove(partition);
            _running.Remove(partition);
            _partitions.Remove(partition);
        }

        /// <summary>
        /// Next item from the partition with the fewest running; among equals, the oldest item. With one worker that is
        /// simply the order items were added in. Caller holds the lock.
        /// </summary>
        private bool TryDequeue(out (long Order, TIn Item) item, out string partition)
        {
            item = default!;
            partition = string.Empty;
            if (_queued == 0 || _cancellation.IsCancellationRequested) return false;
            string? best = null;
            foreach (var candidate in _partitions)
            {
                if (_queues[candidate].Count == 0) continue;
                if (best == null || _running[candidate] < _running[best] ||
                    (_running[candidate] == _running[best] && _queues[candidate].Peek().Order < _queues[best].Peek().Order))
                    best = candidate;
            }
            if (best == null) return false;
            item = _queues[best].Dequeue();
            partition = best;
            _queued--;
            _runningTotal++;
            _running[best]++;
            return true;
        }

        private sealed class Completed
        {
            public Completed(long order, TOut? result, Exception? error)
            {
                Order = order;
                Result = result;
                Error = error;
            }

            public long Order { get; }
            public TOut? Result { get; }
            public Exception? Error { get; }
        }
    }
}
