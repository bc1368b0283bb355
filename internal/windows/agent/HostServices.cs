// The Windows subsystems the ops use, each behind a narrow interface with
// one Windows implementation (windows/, "only a real host tests": see
// ARCHITECTURE.md). The simulator answers the same interfaces from its host
// model, the agent's tests from in-memory stand-ins. Contract for every
// interface: a failure Windows reports is thrown as a Win32Exception
// carrying the Win32 code (or HRESULT) Windows gave, so every
// implementation fails the same way; the ops decide what it means.
namespace TfWin
{
    public sealed class HostServices
    {
        public ISystemInfo System;
        public IFileSystem Files;
        public IAccounts Accounts;
        public IHttpApi HttpApi;
        public ICertificateStores Certificates;
        public IServiceControl Services;
        public IRegistry Registry;
        public INetwork Network;
        public IFirewall Firewall;
        public IClock Clock;
    }
}
