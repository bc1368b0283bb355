// The host's files, as the ops need them: whole-file reads, a new file
// written beside the one it replaces, and File.Replace to swap it in.
// Paths are absolute Windows paths ("C:\app\App.exe.config",
// "\\server\share\App.exe.config"); the domain code checks them before they
// get here. Every failure is a Win32Exception with the code Windows gave
// (2 no such file, 3 no such folder, 5 access denied, 32 sharing violation,
// 80 the file exists, 1175-1177 ReplaceFile's own).
using System;

namespace TfWin
{
    public interface IFileSystem
    {
        /// <summary>The file's bytes (File.ReadAllBytes); a missing file is Win32Exception 2.</summary>
        byte[] ReadAllBytes(string path);

        /// <summary>True when path names an existing file (File.Exists: false,
        /// never a failure, for a folder, a bad path or one the caller may not
        /// see).</summary>
        bool FileExists(string path);

        /// <summary>Creates the file, which must not exist yet (FileMode.CreateNew:
        /// 80 if it does), and writes bytes to it.</summary>
        void WriteNewFile(string path, byte[] bytes);

        /// <summary>File.Replace(source, destination, backup) (ReplaceFile with
        /// REPLACEFILE_WRITE_THROUGH unset): destination's content becomes
        /// source's, its previous content is kept as backup (overwritten if
        /// there), source is gone. Failures leave the files as ReplaceFile
        /// documents ("ReplaceFileW function", learn.microsoft.com): 1175
        /// and 1176 leave all files under their own names; 1177 leaves
        /// source under its own name, the previous content under backup and
        /// nothing at destination.</summary>
        void Replace(string source, string destination, string backup);

        /// <summary>File.Copy: copies source to destination; with overwrite
        /// false an existing destination is 80.</summary>
        void Copy(string source, string destination, bool overwrite);

        /// <summary>File.Delete: deletes the file; a missing file is not a failure.</summary>
        void Delete(string path);

        /// <summary>Takes the machine-wide lock called name (a named mutex,
        /// "Global\" + name, that every session sees), waiting at most
        /// timeout (1460 ERROR_TIMEOUT after it); disposing releases it. Two
        /// requests that change one file hold it in turn.</summary>
        IDisposable Lock(string name, TimeSpan timeout);
    }
}
