// Placeholder: the service domain's helper defines this interface.
namespace TfWin
{
    public interface IClock
    {
    }
}
