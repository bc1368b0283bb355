// Placeholder: the accounts domain's helper defines this interface.
namespace TfWin
{
    public interface IAccounts
    {
    }
}
