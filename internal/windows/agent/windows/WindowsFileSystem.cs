// IFileSystem on Windows: System.IO.File, one call per method, and a named
// mutex for Lock. .NET reports Win32 failures as IOException (HRESULT
// 0x8007xxxx) or UnauthorizedAccessException; they are thrown on as
// Win32Exception with the Win32 code, as the interface's contract says.
// Only a real host runs this file.
using System;
using System.ComponentModel;
using System.IO;
using System.Threading;

namespace TfWin.Windows
{
    internal sealed class WindowsFileSystem : IFileSystem
    {
        public byte[] ReadAllBytes(string path)
        {
            try { return File.ReadAllBytes(path); }
            catch (IOException e) { throw AsWin32(e); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e); }
        }

        public bool FileExists(string path) { return File.Exists(path); }

        public void WriteNewFile(string path, byte[] bytes)
        {
            try
            {
                using (FileStream stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(bytes, 0, bytes.Length);
                    // The content is on disk before ReplaceFile makes it the file.
                    stream.Flush(true);
                }
            }
            catch (IOException e) { throw AsWin32(e); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e); }
        }

        public void Replace(string source, string destination, string backup)
        {
            // ReplaceFile keeps destination's ACL, attributes and streams
            // ("File.Replace", "ReplaceFileW function", learn.microsoft.com).
            try { File.Replace(source, destination, backup); }
            catch (IOException e) { throw AsWin32(e); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e); }
        }

        public void Copy(string source, string destination, bool overwrite)
        {
            try { File.Copy(source, destination, overwrite); }
            catch (IOException e) { throw AsWin32(e); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e); }
        }

        public void Delete(string path)
        {
            try { File.Delete(path); }
            catch (IOException e) { throw AsWin32(e); }
            catch (UnauthorizedAccessException e) { throw AsWin32(e); }
        }

        public IDisposable Lock(string name, TimeSpan timeout)
        {
            // "Global\" makes the mutex visible to every session ("Kernel
            // object namespaces", learn.microsoft.com).
            Mutex mutex = new Mutex(false, "Global\\" + name);
            bool owned;
            // An abandoned mutex (its holder died) is ours now.
            try { owned = mutex.WaitOne(timeout); }
            catch (AbandonedMutexException) { owned = true; }
            if (!owned)
            {
                mutex.Dispose();
                throw new Win32Exception(1460, "timed out after " + (int)timeout.TotalSeconds + " s waiting for another change to the same file"); // ERROR_TIMEOUT
            }
            return new MutexHold(mutex);
        }

        private sealed class MutexHold : IDisposable
        {
            private Mutex mutex;

            internal MutexHold(Mutex mutex) { this.mutex = mutex; }

            public void Dispose()
            {
                if (mutex == null) return;
                mutex.ReleaseMutex();
                mutex.Dispose();
                mutex = null;
            }
        }

        private static Win32Exception AsWin32(Exception e)
        {
            return new Win32Exception((int)ErrorCodes.Of(e), e.Message);
        }
    }

    internal static partial class WindowsHostParts
    {
        static partial void FillFiles(HostServices host) { host.Files = new WindowsFileSystem(); }
    }
}
