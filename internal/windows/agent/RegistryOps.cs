// Placeholder: the registry domain's ops land here.
namespace TfWin
{
    public static class RegistryOps
    {
        public static void Register(OpTable ops, HostServices host) { }
    }
}
