// Placeholder: the httpsys domain's helper defines this interface.
namespace TfWin
{
    public interface IHttpApi
    {
    }
}
