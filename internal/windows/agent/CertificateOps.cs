// Placeholder: the cert domain's ops land here.
namespace TfWin
{
    public static class CertificateOps
    {
        public static void Register(OpTable ops, HostServices host) { }
    }
}
