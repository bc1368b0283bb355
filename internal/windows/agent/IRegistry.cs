// Placeholder: the registry domain's helper defines this interface.
namespace TfWin
{
    public interface IRegistry
    {
    }
}
