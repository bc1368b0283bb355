// Accounts in memory: the built-in ones with their English names and any a
// test adds, resolved as LookupAccountName / LookupAccountSid do
// (case-insensitive, with or without the domain), with fault injection.
using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace TfWin.Testing
{
    public sealed class InMemoryAccounts : IAccounts
    {
        public readonly FaultPlan Faults = new FaultPlan();
        private readonly List<string[]> accounts = new List<string[]>(); // {sid, domain, name}

        public InMemoryAccounts(string machineName)
        {
            Add("S-1-1-0", "", "Everyone");
            Add("S-1-5-32-545", "BUILTIN", "Users");
            Add("S-1-5-32-544", "BUILTIN", "Administrators");
            Add("S-1-5-32-568", "BUILTIN", "IIS_IUSRS");
            Add("S-1-5-18", "NT AUTHORITY", "SYSTEM");
            Add("S-1-5-19", "NT AUTHORITY", "LOCAL SERVICE");
            Add("S-1-5-20", "NT AUTHORITY", "NETWORK SERVICE");
            Add("S-1-5-11", "NT AUTHORITY", "Authenticated Users");
            Add("S-1-5-21-1004336348-1177238915-682003330-1001", machineName, "alice");
        }

        public void Add(string sid, string domain, string name) { accounts.Add(new string[] { sid, domain, name }); }

        private static string Qualified(string[] a) { return a[1].Length == 0 ? a[2] : a[1] + "\\" + a[2]; }

        public string SidOf(string accountName)
        {
            Faults.Enter("SidOf");
            int slash = accountName.IndexOf('\\');
            string domain = slash < 0 ? null : accountName.Substring(0, slash);
            string name = slash < 0 ? accountName : accountName.Substring(slash + 1);
            foreach (string[] a in accounts)
            {
                if (string.Equals(a[2], name, StringComparison.OrdinalIgnoreCase) && (domain == null || string.Equals(a[1], domain, StringComparison.OrdinalIgnoreCase)))
                    return a[0];
            }
            throw new Win32Exception(1332, "Some or all identity references could not be translated.");
        }

        public string NameOf(string sid)
        {
            Faults.Enter("NameOf");
            foreach (string[] a in accounts)
                if (string.Equals(a[0], sid, StringComparison.OrdinalIgnoreCase)) return Qualified(a);
            throw new Win32Exception(1332, "Some or all identity references could not be translated.");
        }
    }
}
