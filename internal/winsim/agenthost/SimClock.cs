// IClock in the simulator: the host model's clock ("clock.utcnow"), and a
// sleep that moves it on at once ("clock.sleep"), so a wait of the agent
// takes no real time and a pending service state ends as after the wait.
using System;

namespace TfWin.Sim
{
    internal sealed class SimClock : IClock
    {
        private static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        private readonly SimBridge bridge;

        internal SimClock(SimBridge bridge) { this.bridge = bridge; }

        public DateTime UtcNow
        {
            get
            {
                JsonObject o = (JsonObject)bridge.Call("clock.utcnow", new JsonObject());
                return UnixEpoch.AddMilliseconds((long)o.Get("unix_ms"));
            }
        }

        public void Sleep(TimeSpan duration)
        {
            bridge.Call("clock.sleep", new JsonObject().Set("ms", (long)Math.Ceiling(duration.TotalMilliseconds)));
        }
    }
}
