// The agent's clock: what time it is and waiting. Every wait of an op goes
// through it, so tests and the simulator decide how time passes (the
// simulator's time is its host model's, which advances services' pending
// states without sleeping).
using System;

namespace TfWin
{
    public interface IClock
    {
        /// <summary>The current time, UTC (DateTime.UtcNow).</summary>
        DateTime UtcNow { get; }

        /// <summary>Waits for duration (Thread.Sleep).</summary>
        void Sleep(TimeSpan duration);
    }
}
