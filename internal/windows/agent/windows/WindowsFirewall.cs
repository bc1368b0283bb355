// IFirewall on Windows: the local policy of Windows Defender Firewall
// through its COM automation objects, late-bound through IDispatch
// (Type.InvokeMember), so no interop assembly is needed: HNetCfg.FwPolicy2
// (INetFwPolicy2, its Rules collection INetFwRules) and HNetCfg.FWRule
// (INetFwRule) ("Using Windows Firewall with Advanced Security", "INetFwRule
// interface", learn.microsoft.com). Only a real host runs this file.
using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TfWin.Windows
{
    internal sealed class WindowsFirewall : IFirewall
    {
        public FirewallRule[] Rules()
        {
            return Com(delegate
            {
                List<FirewallRule> list = new List<FirewallRule>();
                // INetFwRules is enumerable through _NewEnum (IEnumVARIANT),
                // which the runtime exposes as IEnumerable on the RCW.
                foreach (object r in (IEnumerable)Get(Policy(), "Rules"))
                {
                    FirewallRule rule = new FirewallRule();
                    rule.Name = (string)Get(r, "Name");
                    rule.Description = (string)Get(r, "Description");
                    rule.Grouping = (string)Get(r, "Grouping");
                    rule.Protocol = (int)Get(r, "Protocol");
                    rule.LocalPorts = (string)Get(r, "LocalPorts");
                    rule.ApplicationName = (string)Get(r, "ApplicationName");
                    rule.ServiceName = (string)Get(r, "serviceName");
                    rule.Profiles = (int)Get(r, "Profiles");
                    rule.Direction = (int)Get(r, "Direction");
                    rule.Action = (int)Get(r, "Action");
                    rule.Enabled = (bool)Get(r, "Enabled");
                    list.Add(rule);
                }
                return list.ToArray();
            });
        }

        public void Add(FirewallRule rule)
        {
            Com(delegate
            {
                object r = Activator.CreateInstance(Type.GetTypeFromProgID("HNetCfg.FWRule", true));
                Set(r, "Name", rule.Name);
                if (rule.Description != null) Set(r, "Description", rule.Description);
                if (rule.Grouping != null) Set(r, "Grouping", rule.Grouping);
                // Protocol before LocalPorts: ports need TCP or UDP (INetFwRule::LocalPorts).
                Set(r, "Protocol", rule.Protocol);
                Set(r, "LocalPorts", rule.LocalPorts);
                if (rule.ApplicationName != null) Set(r, "ApplicationName", rule.ApplicationName);
                if (rule.ServiceName != null) Set(r, "serviceName", rule.ServiceName);
                Set(r, "Profiles", rule.Profiles);
                Set(r, "Direction", rule.Direction);
                Set(r, "Action", rule.Action);
                Set(r, "Enabled", rule.Enabled);
                Invoke(Get(Policy(), "Rules"), "Add", r);
                return (FirewallRule[])null;
            });
        }

        public void Remove(string name)
        {
            Com(delegate
            {
                Invoke(Get(Policy(), "Rules"), "Remove", name);
                return (FirewallRule[])null;
            });
        }

        private static object Policy() { return Activator.CreateInstance(Type.GetTypeFromProgID("HNetCfg.FwPolicy2", true)); }

        private static object Get(object o, string property)
        {
            return o.GetType().InvokeMember(property, BindingFlags.GetProperty, null, o, null);
        }

        private static void Set(object o, string property, object value)
        {
            o.GetType().InvokeMember(property, BindingFlags.SetProperty, null, o, new object[] { value });
        }

        private static void Invoke(object o, string method, object argument)
        {
            o.GetType().InvokeMember(method, BindingFlags.InvokeMethod, null, o, new object[] { argument });
        }

        /// <summary>Runs f, giving a COM failure as the interfaces'
        /// contract wants it: a Win32Exception with Windows' HRESULT
        /// (E_ACCESSDENIED 0x80070005 for a caller that is not an
        /// administrator).</summary>
        private static T Com<T>(Func<T> f)
        {
            try
            {
                return f();
            }
            catch (TargetInvocationException e)
            {
                COMException com = e.InnerException as COMException;
                if (com != null) throw new Win32Exception(com.ErrorCode, com.Message);
                throw;
            }
            catch (COMException e)
            {
                throw new Win32Exception(e.ErrorCode, e.Message);
            }
        }
    }

    internal static partial class WindowsHostParts
    {
        static partial void FillFirewall(HostServices host) { host.Firewall = new WindowsFirewall(); }
    }
}
