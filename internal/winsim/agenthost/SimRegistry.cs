// IRegistry in the simulator: each registry call is one bridge call
// ("registry.<method>"), answered from the host model's registry
// (bridge_registry.go), which holds REG_DWORD values.
using System.Collections.Generic;
using Microsoft.Win32;

namespace TfWin.Sim
{
    internal sealed class SimRegistry : IRegistry
    {
        private readonly SimBridge bridge;

        internal SimRegistry(SimBridge bridge) { this.bridge = bridge; }

        private object Call(string method, string path, string name)
        {
            JsonObject args = new JsonObject().Set("path", path);
            if (name != null) args.Set("name", name);
            return bridge.Call("registry." + method, args);
        }

        private static string[] Names(object result)
        {
            List<string> names = new List<string>();
            List<object> list = result as List<object>;
            if (list != null)
            {
                foreach (object n in list) names.Add((string)n);
            }
            return names.ToArray();
        }

        public bool KeyExists(string path) { return (bool)((JsonObject)Call("keyexists", path, null)).Get("exists"); }

        public string[] GetSubKeyNames(string path) { return Names(Call("getsubkeynames", path, null)); }

        public string[] GetValueNames(string path) { return Names(Call("getvaluenames", path, null)); }

        public RegistryData GetValue(string path, string name)
        {
            JsonObject o = (JsonObject)Call("getvalue", path, name);
            string kind = o.Get("kind") as string;
            if (kind == null) return null;
            // The model holds REG_DWORDs, given as RegistryKey.GetValue gives them: an int.
            return new RegistryData(RegistryValueKind.DWord, (int)(long)o.Get("data"));
        }

        public void CreateKey(string path) { Call("createkey", path, null); }

        public void SetValue(string path, string name, RegistryData value)
        {
            JsonObject args = new JsonObject().Set("path", path).Set("name", name).Set("kind", value.Kind.ToString());
            if (value.Data is int) args.Set("data", (long)(int)value.Data);
            bridge.Call("registry.setvalue", args);
        }

        public void DeleteValue(string path, string name) { Call("deletevalue", path, name); }

        public void DeleteKey(string path) { Call("deletekey", path, null); }
    }

    internal static partial class SimHost
    {
        static partial void FillRegistry(HostServices host, SimBridge bridge) { host.Registry = new SimRegistry(bridge); }
    }
}
