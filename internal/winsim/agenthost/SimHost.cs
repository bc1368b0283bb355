// The simulator's side of the agent's interfaces: each domain's file
// (Sim*.cs beside this one) answers its interface through the bridge, that
// is from the simulator's host model, by implementing one partial method.
namespace TfWin.Sim
{
    internal static partial class SimHost
    {
        internal static HostServices Create(SimBridge bridge)
        {
            HostServices host = new HostServices();
            host.System = new SimSystemInfo(bridge);
            FillFiles(host, bridge);
            FillHttpApi(host, bridge);
            FillCertificates(host, bridge);
            FillServices(host, bridge);
            FillRegistry(host, bridge);
            FillNetwork(host, bridge);
            FillFirewall(host, bridge);
            return host;
        }

        static partial void FillFiles(HostServices host, SimBridge bridge);
        static partial void FillHttpApi(HostServices host, SimBridge bridge);
        static partial void FillCertificates(HostServices host, SimBridge bridge);
        static partial void FillServices(HostServices host, SimBridge bridge);
        static partial void FillRegistry(HostServices host, SimBridge bridge);
        static partial void FillNetwork(HostServices host, SimBridge bridge);
        static partial void FillFirewall(HostServices host, SimBridge bridge);
    }

    /// <summary>host.info's facts from the model ("system.info").</summary>
    internal sealed class SimSystemInfo : ISystemInfo
    {
        private readonly SimBridge bridge;
        private JsonObject info;

        internal SimSystemInfo(SimBridge bridge) { this.bridge = bridge; }

        private string Field(string name)
        {
            if (info == null) info = (JsonObject)bridge.Call("system.info", new JsonObject());
            return (string)info.Get(name);
        }

        public string MachineName { get { return Field("hostname"); } }
        public string OSCaption { get { return Field("os_caption"); } }
        public string OSVersion { get { return Field("os_version"); } }
        public string PowerShellVersion { get { return Field("powershell_version"); } }
    }
}
