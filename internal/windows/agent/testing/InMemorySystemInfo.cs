// In-memory stand-ins for the agent's tests and bin/agent.exe.
namespace TfWin.Testing
{
    public sealed class InMemorySystemInfo : ISystemInfo
    {
        public InMemorySystemInfo()
        {
            MachineName = "AGENT-TEST";
            OSCaption = "Microsoft Windows Server 2022 Standard";
            OSVersion = "10.0.20348";
            PowerShellVersion = "5.1.20348.2849";
        }

        public string MachineName { get; set; }
        public string OSCaption { get; set; }
        public string OSVersion { get; set; }
        public string PowerShellVersion { get; set; }
    }
}
