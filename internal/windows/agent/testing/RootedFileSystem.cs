// IFileSystem on the real file system with Windows paths mapped under a
// root folder, for bin/agent.exe: C:\app\a.config is ROOT/C/app/a.config,
// \\server\share\a.config is ROOT/UNC/server/share/a.config. Names are as
// the local file system compares them (case-sensitive on Linux).
using System;
using System.ComponentModel;
using System.IO;
using System.Threading;

namespace TfWin.Testing
{
    public sealed class RootedFileSystem : IFileSystem
    {
        private readonly string root;
        private static readonly object ProcessLock = new object();

        public RootedFileSystem(string root) { this.root = Path.GetFullPath(root); }

        /// <summary>Where the Windows path lives under the root.</summary>
        public string Map(string windowsPath)
        {
            if (!WindowsPath.IsAbsolute(windowsPath)) throw new Win32Exception(123, "not an absolute Windows path: " + windowsPath); // ERROR_INVALID_NAME
            // "." and ".." resolved as Windows resolves them: never above the root.
            string p = WindowsPath.Normalize(windowsPath);
            string rel;
            if (p.StartsWith("\\\\", StringComparison.Ordinal)) rel = "UNC\\" + p.Substring(2);
            else if (p.Length >= 2 && p[1] == ':') rel = char.ToUpperInvariant(p[0]) + p.Substring(2);
            else throw new Win32Exception(123, "not an absolute Windows path: " + windowsPath); // ERROR_INVALID_NAME
            string[] parts = rel.Split(new char[] { '\\' }, StringSplitOptions.RemoveEmptyEntries);
            return Path.Combine(root, string.Join(Path.DirectorySeparatorChar.ToString(), parts));
        }

        public byte[] ReadAllBytes(string path)
        {
            try { return File.ReadAllBytes(Map(path)); }
            catch (IOException e) { throw AsWin32(e, path); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e, path); }
        }

        public bool FileExists(string path)
        {
            try { return File.Exists(Map(path)); }
            catch (Win32Exception) { return false; }
        }

        public void WriteNewFile(string path, byte[] bytes)
        {
            if (File.Exists(Map(path))) throw new Win32Exception(80, "The file '" + path + "' already exists.");
            try
            {
                using (FileStream stream = new FileStream(Map(path), FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    stream.Write(bytes, 0, bytes.Length);
            }
            catch (IOException e) { throw AsWin32(e, path); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e, path); }
        }

        public void Replace(string source, string destination, string backup)
        {
            string s = Map(source), d = Map(destination), b = Map(backup);
            try
            {
                if (!File.Exists(s)) throw new Win32Exception(2, "Could not find file '" + source + "'.");
                if (!File.Exists(d)) throw new Win32Exception(2, "Could not find file '" + destination + "'.");
                if (File.Exists(b)) File.Delete(b);
                File.Move(d, b);
                File.Move(s, d);
            }
            catch (IOException e) { throw AsWin32(e, destination); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e, destination); }
        }

        public void Copy(string source, string destination, bool overwrite)
        {
            try { File.Copy(Map(source), Map(destination), overwrite); }
            catch (IOException e) { throw AsWin32(e, source); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e, source); }
        }

        public void Delete(string path)
        {
            try { File.Delete(Map(path)); }
            catch (IOException e) { throw AsWin32(e, path); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e, path); }
        }

        public IDisposable Lock(string name, TimeSpan timeout)
        {
            // One agent process at a time uses a root: a process-wide lock.
            if (!Monitor.TryEnter(ProcessLock, timeout)) throw new Win32Exception(1460, "timed out waiting for " + name);
            return new Held();
        }

        private sealed class Held : IDisposable
        {
            private bool held = true;

            public void Dispose()
            {
                if (!held) return;
                held = false;
                Monitor.Exit(ProcessLock);
            }
        }

        private static Win32Exception AsWin32(Exception e, string path)
        {
            long code = ErrorCodes.Of(e);
            if (e is FileNotFoundException) code = 2;
            else if (e is DirectoryNotFoundException) code = 3;
            else if (e is UnauthorizedAccessException) code = 5;
            return new Win32Exception((int)code, path + ": " + e.Message);
        }
    }
}
