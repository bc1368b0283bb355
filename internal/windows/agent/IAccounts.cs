// Account name <-> SID translation (LookupAccountName, LookupAccountSid),
// the way .NET's NTAccount and SecurityIdentifier translate them.
namespace TfWin
{
    public interface IAccounts
    {
        /// <summary>The SID string of an account name ("Everyone",
        /// "BUILTIN\Users", "HOST\alice", "alice"): NTAccount.Translate.
        /// 1332 (ERROR_NONE_MAPPED) when it does not resolve.</summary>
        string SidOf(string accountName);

        /// <summary>The host's name of a SID ("Everyone", "BUILTIN\Users",
        /// translated on a non-English host): SecurityIdentifier.Translate.
        /// 1332 when no account has the SID.</summary>
        string NameOf(string sid);
    }
}
