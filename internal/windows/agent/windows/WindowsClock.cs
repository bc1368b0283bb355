// IClock on Windows: the system clock and Thread.Sleep. Only a real host
// runs this file.
using System;
using System.Threading;

namespace TfWin.Windows
{
    internal sealed class WindowsClock : IClock
    {
        public DateTime UtcNow { get { return DateTime.UtcNow; } }

        public void Sleep(TimeSpan duration) { Thread.Sleep(duration); }
    }
}
