// Placeholder: the tls domain's helper defines this interface.
namespace TfWin
{
    public interface INetwork
    {
    }
}
