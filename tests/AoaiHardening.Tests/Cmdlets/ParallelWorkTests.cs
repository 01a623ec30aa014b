using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AoaiHardening.Cmdlets;
using Xunit;

namespace AoaiHardening.Tests.Cmdlets
{
    public sealed class ParallelWorkTests
    {
        private static List<T> TakeAll<T>(ParallelWork<int, T> work)
        {
            var results = new List<T>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!work.IsIdle)
            {
                Assert.True(DateTime.UtcNow < deadline, "the work did not finish");
                results.AddRange(work.Take(wait: true));
            }
            return results;
        }

        [Fact]
        public void Runs_every_item_once_with_at_most_the_limit_at_a_time()
        {
            var running = 0;
            var most = 0;
            using var work = new ParallelWork<int, int>(4, 100, i =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                Thread.Sleep(5);
                Interlocked.Decrement(ref running);
                return i * 2;
            }, CancellationToken.None);
            for (var i = 0; i < 40; i++) work.Add(i, "p" + (i % 3));
            var results = TakeAll(work);
            Assert.Equal(Enumerable.Range(0, 40).Select(i => i * 2).OrderBy(i => i), results.OrderBy(i => i));
            Assert.InRange(most, 2, 4);
            Assert.Equal(40, work.Added);
            Assert.Equal(40, work.Taken);
        }

        [Fact]
        public void One_worker_keeps_the_order_items_were_added_in()
        {
            var gate = new ManualResetEventSlim(false);
            var order = new ConcurrentQueue<int>();
            using var work = new ParallelWork<int, int>(1, 100, i =>
            {
                gate.Wait();
                order.Enqueue(i);
                return i;
            }, CancellationToken.None);
            for (var i = 0; i < 10; i++) work.Add(i, i < 7 ? "a" : "b");
            gate.Set();
            Assert.Equal(Enumerable.Range(0, 10), TakeAll(work));
            Assert.Equal(Enumerable.Range(0, 10), order);
        }

        [Fact]
        public void A_freed_worker_goes_to_the_partition_with_the_fewest_running()
        {
            // Two workers busy with partition a (queued first, ten times larger); when one frees up, it takes b's item.
            var release = new SemaphoreSlim(0);
            var started = new ConcurrentQueue<string>();
            using var work = new ParallelWork<int, int>(2, 100, i =>
            {
                started.Enqueue(i < 20 ? "a" : "b");
                release.Wait();
                return i;
            }, CancellationToken.None);
            for (var i = 0; i < 20; i++) work.Add(i, "a");
            Assert.True(SpinWait.SpinUntil(() => started.Count == 2, TimeSpan.FromSeconds(10)));
            work.Add(20, "b");
            work.Add(21, "b");
            release.Release();
            Assert.True(SpinWait.SpinUntil(() => started.Count == 3, TimeSpan.FromSeconds(10)));
            Assert.Equal(new[] { "a", "a", "b" }, started.ToArray());
            release.Release(100);
            Assert.Equal(22, TakeAll(work).Count);
        }

        [Fact]
        public void In_added_order_mode_holds_early_results_until_the_earlier_ones_complete()
        {
            // Item 0 finishes last; nothing may be taken before it, then everything comes in the order added.
            var first = new ManualResetEventSlim(false);
            using var work = new ParallelWork<int, int>(4, 100, i =>
            {
                if (i == 0) first.Wait();
                return i;
            }, CancellationToken.None, inAddedOrder: true);
            for (var i = 0; i < 6; i++) work.Add(i, "p" + (i % 2));
            Assert.True(SpinWait.SpinUntil(() => work.Running == 1, TimeSpan.FromSeconds(10)));
            Assert.Empty(work.Take(wait: true));
            first.Set();
            Assert.Equal(Enumerable.Range(0, 6), TakeAll(work));
        }

        [Fact]
        public void Is_full_at_its_capacity_until_results_are_taken()
        {
            var gate = new ManualResetEventSlim(false);
            using var work = new ParallelWork<int, int>(2, 5, i => { gate.Wait(); return i; }, CancellationToken.None);
            for (var i = 0; i < 5; i++) work.Add(i, "p");
            Assert.True(work.IsFull);
            gate.Set();
            Assert.Equal(5, TakeAll(work).Count);
            Assert.False(work.IsFull);
        }

        [Fact]
        public void A_failure_of_the_work_is_rethrown_to_the_taker()
        {
            using var work = new ParallelWork<int, int>(2, 10, i => i == 3 ? throw new FormatException("bad item 3") : i, CancellationToken.None);
            for (var i = 0; i < 5; i++) work.Add(i, "p");
            var error = Assert.Throws<InvalidOperationException>(() => TakeAll(work));
            Assert.IsType<FormatException>(error.InnerException);
            Assert.Contains("bad item 3", error.Message);
        }

        [Fact]
        public void Cancellation_stops_the_workers_and_the_queue()
        {
            using var cts = new CancellationTokenSource();
            var ran = 0;
            using var work = new ParallelWork<int, int>(2, 100, i =>
            {
                Interlocked.Increment(ref ran);
                cts.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
                cts.Token.ThrowIfCancellationRequested();
                return i;
            }, cts.Token);
            for (var i = 0; i < 50; i++) work.Add(i, "p");
            SpinWait.SpinUntil(() => Volatile.Read(ref ran) == 2, TimeSpan.FromSeconds(10));
            cts.Cancel();
            SpinWait.SpinUntil(() => work.Running == 0, TimeSpan.FromSeconds(10));
            Assert.Equal(0, work.Running);
            Assert.Empty(work.Take(wait: true));
            Assert.Equal(2, Volatile.Read(ref ran));
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
