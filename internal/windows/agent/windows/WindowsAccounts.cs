// IAccounts on Windows: .NET's NTAccount and SecurityIdentifier
// translations (LookupAccountName / LookupAccountSid). A name or SID that
// does not map is IdentityNotMappedException, thrown on as 1332
// (ERROR_NONE_MAPPED). Only a real host runs this file.
using System.ComponentModel;
using System.Security.Principal;

namespace TfWin.Windows
{
    internal sealed class WindowsAccounts : IAccounts
    {
        private const int ErrorNoneMapped = 1332;

        public string SidOf(string accountName)
        {
            try { return new NTAccount(accountName).Translate(typeof(SecurityIdentifier)).Value; }
            catch (IdentityNotMappedException e) { throw new Win32Exception(ErrorNoneMapped, e.Message); }
        }

        public string NameOf(string sid)
        {
            try { return new SecurityIdentifier(sid).Translate(typeof(NTAccount)).Value; }
            catch (IdentityNotMappedException e) { throw new Win32Exception(ErrorNoneMapped, e.Message); }
        }
    }
}
