// A clock tests control: Sleep advances it at once, Advance moves it on;
// every sleep is recorded, so a test can check that waits are bounded.
using System;
using System.Collections.Generic;

namespace TfWin.Testing
{
    public sealed class InMemoryClock : IClock
    {
        public InMemoryClock() { UtcNow = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc); Sleeps = new List<TimeSpan>(); }

        public DateTime UtcNow { get; set; }

        /// <summary>Every Sleep's duration, in order.</summary>
        public List<TimeSpan> Sleeps { get; private set; }

        /// <summary>Called on every Sleep before the clock advances (e.g. to
        /// change a service's state while the op waits).</summary>
        public Action<TimeSpan> OnSleep;

        public void Sleep(TimeSpan duration)
        {
            if (duration < TimeSpan.Zero) throw new ArgumentOutOfRangeException("duration", "a negative sleep");
            Sleeps.Add(duration);
            if (OnSleep != null) OnSleep(duration);
            UtcNow += duration;
        }

        public void Advance(TimeSpan duration) { UtcNow += duration; }
    }

    public static partial class InMemoryHost
    {
        static partial void FillServices(HostServices host)
        {
            if (host.Clock == null) host.Clock = new InMemoryClock();
            if (host.Services == null) host.Services = new InMemoryServiceControl(host.Clock);
        }
    }
}
