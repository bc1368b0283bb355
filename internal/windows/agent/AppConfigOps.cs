// Placeholder: the appconfig domain's helper writes the ops.
namespace TfWin
{
    public static class AppConfigOps
    {
        public static void Register(OpTable ops, HostServices host) { }
    }
}
