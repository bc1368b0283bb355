// IFileSystem in memory, with Windows' semantics of each call and fault
// injection per method: FailNext("Replace", 1177) makes the next Replace
// fail as ReplaceFile documents for that code (1177 moves the destination
// to the backup name and leaves the source where it was).
using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace TfWin.Testing
{
    public sealed class InMemoryFileSystem : IFileSystem
    {
        private readonly Dictionary<string, byte[]> files = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        private readonly List<Fault> faults = new List<Fault>();
        private readonly HashSet<string> deniedPaths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Whether an injected 1177 of Replace leaves the files as
        /// ReplaceFile does (true) or fails with no effect, as the simulator's
        /// injected failures do (false).</summary>
        public bool ReplaceFailuresMoveFiles = true;

        /// <summary>Every call, as "Method path[ path2 …]", in order.</summary>
        public readonly List<string> Calls = new List<string>();

        private sealed class Fault
        {
            public string Method;
            public int Code;
            public int Skip;
        }

        /// <summary>The (skip+1)-th call of method from now fails once with code.</summary>
        public void FailNext(string method, int code, int skip)
        {
            Fault f = new Fault();
            f.Method = method;
            f.Code = code;
            f.Skip = skip;
            faults.Add(f);
        }

        public void FailNext(string method, int code) { FailNext(method, code, 0); }

        /// <summary>Every access to path is denied (5).</summary>
        public void Deny(string path) { deniedPaths.Add(path); }

        public void Put(string path, byte[] bytes) { files[path] = (byte[])bytes.Clone(); }

        /// <summary>The file's bytes, or null.</summary>
        public byte[] Get(string path)
        {
            byte[] b;
            return files.TryGetValue(path, out b) ? (byte[])b.Clone() : null;
        }

        public IEnumerable<string> Paths { get { return new List<string>(files.Keys); } }

        // Injected returns the code of a fault due for this call, or 0.
        private int Injected(string method)
        {
            for (int i = 0; i < faults.Count; i++)
            {
                Fault f = faults[i];
                if (f.Method != method) continue;
                if (f.Skip > 0) { f.Skip--; continue; }
                faults.RemoveAt(i);
                return f.Code;
            }
            return 0;
        }

        private void Check(string method, params string[] paths)
        {
            Calls.Add(method + " " + string.Join(" ", paths));
            foreach (string p in paths)
                if (deniedPaths.Contains(p)) throw new Win32Exception(5, "Access to the path '" + p + "' is denied.");
            int code = Injected(method);
            if (code != 0) throw new Win32Exception(code, method + " failed (injected " + code + ")");
        }

        public byte[] ReadAllBytes(string path)
        {
            Check("ReadAllBytes", path);
            byte[] b;
            if (!files.TryGetValue(path, out b)) throw new Win32Exception(2, "Could not find file '" + path + "'.");
            return (byte[])b.Clone();
        }

        public bool FileExists(string path)
        {
            Calls.Add("FileExists " + path);
            return files.ContainsKey(path) && !deniedPaths.Contains(path);
        }

        public void WriteNewFile(string path, byte[] bytes)
        {
            Check("WriteNewFile", path);
            if (files.ContainsKey(path)) throw new Win32Exception(80, "The file '" + path + "' already exists.");
            files[path] = (byte[])bytes.Clone();
        }

        public void Replace(string source, string destination, string backup)
        {
            Calls.Add("Replace " + source + " " + destination + " " + backup);
            foreach (string p in new string[] { source, destination, backup })
                if (deniedPaths.Contains(p)) throw new Win32Exception(5, "Access to the path '" + p + "' is denied.");
            if (!files.ContainsKey(source)) throw new Win32Exception(2, "Could not find file '" + source + "'.");
            if (!files.ContainsKey(destination)) throw new Win32Exception(2, "Could not find file '" + destination + "'.");
            int code = Injected("Replace");
            if (code == 1177 && ReplaceFailuresMoveFiles)
            {
                // "The replacement file still exists under its original name
                // ... The file to be replaced still exists with a different
                // name ... it will be the name of the replaced file."
                files[backup] = files[destination];
                files.Remove(destination);
                throw new Win32Exception(code, "Unable to move the replacement file to the file to be replaced. The file to be replaced has retained its original name.");
            }
            if (code != 0) throw new Win32Exception(code, "Replace failed (injected " + code + ")");
            files[backup] = files[destination];
            files[destination] = files[source];
            files.Remove(source);
        }

        public void Copy(string source, string destination, bool overwrite)
        {
            Check("Copy", source, destination);
            byte[] b;
            if (!files.TryGetValue(source, out b)) throw new Win32Exception(2, "Could not find file '" + source + "'.");
            if (!overwrite && files.ContainsKey(destination)) throw new Win32Exception(80, "The file '" + destination + "' already exists.");
            files[destination] = (byte[])b.Clone();
        }

        public void Delete(string path)
        {
            Check("Delete", path);
            files.Remove(path);
        }

        public IDisposable Lock(string name, TimeSpan timeout)
        {
            Check("Lock", name);
            return new Released();
        }

        private sealed class Released : IDisposable
        {
            public void Dispose() { }
        }
    }

    public static partial class InMemoryHost
    {
        static partial void FillFiles(HostServices host) { if (host.Files == null) host.Files = new InMemoryFileSystem(); }
    }
}
