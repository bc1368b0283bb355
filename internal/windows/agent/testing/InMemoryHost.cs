// The in-memory host the agent's tests and bin/agent.exe use: each domain
// adds its stand-in in its own file (testing/InMemory*.cs) by implementing
// one of the partial methods below.
namespace TfWin.Testing
{
    public static partial class InMemoryHost
    {
        /// <summary>A host with every stand-in; files is the file system to use
        /// (null: an in-memory one when a domain provides it).</summary>
        public static HostServices Create(IFileSystem files)
        {
            HostServices host = new HostServices();
            host.System = new InMemorySystemInfo();
            host.Files = files;
            FillFiles(host);
            FillHttpApi(host);
            FillCertificates(host);
            FillServices(host);
            FillRegistry(host);
            FillNetwork(host);
            FillFirewall(host);
            return host;
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
