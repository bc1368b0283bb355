// Placeholder: the cert domain's helper defines this interface.
namespace TfWin
{
    public interface ICertificateStores
    {
    }
}
