// Placeholder: the appconfig domain's helper completes this interface.
namespace TfWin
{
    public interface IFileSystem
    {
        /// <summary>The file's bytes (File.ReadAllBytes); a missing file is Win32Exception 2.</summary>
        byte[] ReadAllBytes(string path);
    }
}
