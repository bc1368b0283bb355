// The agent's IFileSystem in the simulator: each call one bridge call,
// answered from the host model's files table (internal/winsim/bridge_files.go).
using System;

namespace TfWin.Sim
{
    internal sealed class SimFileSystem : IFileSystem
    {
        private readonly SimBridge bridge;

        internal SimFileSystem(SimBridge bridge) { this.bridge = bridge; }

        public byte[] ReadAllBytes(string path)
        {
            JsonObject r = (JsonObject)bridge.Call("files.read", new JsonObject().Set("path", path));
            return Convert.FromBase64String((string)r.Get("content") ?? "");
        }

        public bool FileExists(string path)
        {
            JsonObject r = (JsonObject)bridge.Call("files.exists", new JsonObject().Set("path", path));
            return (bool)r.Get("exists");
        }

        public void WriteNewFile(string path, byte[] bytes)
        {
            bridge.Call("files.write_new", new JsonObject().Set("path", path).Set("content", Convert.ToBase64String(bytes)));
        }

        public void Replace(string source, string destination, string backup)
        {
            bridge.Call("files.replace", new JsonObject().Set("source", source).Set("destination", destination).Set("backup", backup));
        }

        public void Copy(string source, string destination, bool overwrite)
        {
            bridge.Call("files.copy", new JsonObject().Set("source", source).Set("destination", destination).Set("overwrite", overwrite));
        }

        public void Delete(string path)
        {
            bridge.Call("files.delete", new JsonObject().Set("path", path));
        }

        public IDisposable Lock(string name, TimeSpan timeout)
        {
            // The simulator runs each op with the host model locked
            // (Host.Exclusive): changes to one file cannot interleave.
            return new NoLock();
        }

        private sealed class NoLock : IDisposable
        {
            public void Dispose() { }
        }
    }

    internal static partial class SimHost
    {
        static partial void FillFiles(HostServices host, SimBridge bridge) { host.Files = new SimFileSystem(bridge); }
    }
}
