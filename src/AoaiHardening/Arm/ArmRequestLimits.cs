using System;

namespace AoaiHardening.Arm
{
    /// <summary>One kind of ARM request budget: a bucket of <see cref="Capacity"/> tokens refilled at <see cref="RefillPerSecond"/>.</summary>
    public sealed class RequestBudget
    {
        public RequestBudget(double capacity, double refillPerSecond)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A request budget holds at least one request.");
            if (refillPerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(refillPerSecond), refillPerSecond, "A request budget must refill.");
            Capacity = capacity;
            RefillPerSecond = refillPerSecond;
        }

        public double Capacity { get; }
        public double RefillPerSecond { get; }
    }

    /// <summary>
    /// ARM's throttling limits per subscription and principal (shared/reference/facts.md, "Limits that bound a scan"), the
    /// numbers <see cref="ArmPacingPolicy"/> starts from before ARM's remaining-quota headers correct them.
    /// </summary>
    public sealed class ArmRequestLimits
    {
        public ArmRequestLimits(RequestBudget reads, RequestBudget writes, RequestBudget deletes)
        {
            Reads = reads;
            Writes = writes;
            Deletes = deletes;
        }

        public RequestBudget Reads { get; }
        public RequestBudget Writes { get; }
        public RequestBudget Deletes { get; }

        /// <summary>Public cloud since 2024: a regional token bucket, reads 250 + 25/s, writes and deletes 200 + 10/s.</summary>
        public static readonly ArmRequestLimits TokenBucket = new ArmRequestLimits(
            new RequestBudget(250, 25), new RequestBudget(200, 10), new RequestBudget(200, 10));

        /// <summary>Azure China and US Government: 12,000 reads and 1,200 writes an hour (deletes are counted as writes there).</summary>
        public static readonly ArmRequestLimits Hourly = new ArmRequestLimits(
            new RequestBudget(12000, 12000 / 3600.0), new RequestBudget(1200, 1200 / 3600.0), new RequestBudget(1200, 1200 / 3600.0));
    }
}
