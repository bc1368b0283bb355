// Placeholder: the httpsys domain's ops land here.
namespace TfWin
{
    public static class HttpSysOps
    {
        public static void Register(OpTable ops, HostServices host) { }
    }
}
