// The entry point the PowerShell host (host.ps1) calls: one agent per
// process, wired to the Windows implementations. Only a real host runs this
// file (ARCHITECTURE.md, "What only a real Windows host tests").
namespace TfWin.Windows
{
    public static class PowerShellEntry
    {
        private static Agent agent;

        /// <summary>Runs one op; null for an op the agent does not define.</summary>
        public static AgentReply Run(string op, string argsBase64, string requestId)
        {
            if (agent == null) agent = new Agent(WindowsHost.Create());
            return agent.Run(op, argsBase64, requestId);
        }
    }

    /// <summary>The Windows implementations of the agent's interfaces.</summary>
    public static class WindowsHost
    {
        public static HostServices Create()
        {
            HostServices host = new HostServices();
            host.System = new WindowsSystemInfo();
            WindowsHostParts.Fill(host);
            return host;
        }
    }

    /// <summary>Each domain's Windows implementations, added as they land.</summary>
    internal static partial class WindowsHostParts
    {
        internal static void Fill(HostServices host)
        {
            FillFiles(host);
            FillHttpApi(host);
            FillCertificates(host);
            FillServices(host);
            FillRegistry(host);
            FillNetwork(host);
            FillFirewall(host);
        }

        static partial void FillFiles(HostServices host);
        static partial void FillHttpApi(HostServices host);
        static partial void FillCertificates(HostServices host);
        static partial void FillServices(HostServices host);
        static partial void FillRegistry(HostServices host);
        static partial void FillNetwork(HostServices host);
        static partial void FillFirewall(HostServices host);
    }
}
