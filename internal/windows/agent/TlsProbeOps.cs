// Placeholder: the tls domain's ops land here.
namespace TfWin
{
    public static class TlsProbeOps
    {
        public static void Register(OpTable ops, HostServices host) { }
    }
}
