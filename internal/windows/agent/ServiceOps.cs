// Placeholder: the service domain's ops land here.
namespace TfWin
{
    public static class ServiceOps
    {
        public static void Register(OpTable ops, HostServices host) { }
    }
}
