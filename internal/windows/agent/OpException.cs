// Op failures and the Win32 code the envelope reports for them
// (PROTOCOL.md section 2).
using System;
using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;

namespace TfWin
{
    /// <summary>An op failure with the Win32 code (or HRESULT) the envelope
    /// carries and a message that says what to do.</summary>
    public class OpException : Exception
    {
        public OpException(int code, string message) : base(message) { Code = code; }
        public OpException(int code, string message, Exception inner) : base(message, inner) { Code = code; }

        public int Code { get; private set; }
    }

    /// <summary>Win32 codes the ops answer with ("System Error Codes",
    /// learn.microsoft.com).</summary>
    public static class Win32
    {
        public const int FileNotFound = 2;
        public const int AccessDenied = 5;
        public const int InvalidData = 13;
        public const int SharingViolation = 32;
        public const int NotSupported = 50;
        public const int InvalidParameter = 87;
        public const int AlreadyExists = 183;
        public const int UnableToMoveReplacement = 1176;
        public const int UnableToMoveReplacement2 = 1177;
        public const int UnableToRemoveReplaced = 1175;
        public const int RevisionMismatch = 1306;
        public const int NoSuchLogonSession = 1312;
        public const int NoneMapped = 1332;
    }

    public static class ErrorCodes
    {
        /// <summary>The code an exception chain reports: an OpException's or
        /// Win32Exception's own; a CryptographicException's whole HRESULT (the
        /// protocol reports 0x80070056 for a wrong PFX password); otherwise the
        /// Win32 code inside any HRESULT of FACILITY_WIN32 (0x8007xxxx), which
        /// is how .NET reports access denied (UnauthorizedAccessException, 5),
        /// a missing file (FileNotFoundException, 2) or a sharing violation
        /// (IOException, 32). Else 1.</summary>
        public static long Of(Exception exception)
        {
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                OpException op = e as OpException;
                if (op != null) return op.Code;
                Win32Exception w = e as Win32Exception;
                // An HRESULT in a Win32Exception (negative as an int) is reported
                // unsigned, as the protocol writes 0x80070056.
                if (w != null) return w.NativeErrorCode & 0xFFFFFFFFL;
                if (e is CryptographicException && HResult(e) != 0) return HResult(e) & 0xFFFFFFFFL;
            }
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                int h = HResult(e);
                if ((h & 0xFFFF0000) == unchecked((int)0x80070000)) return h & 0xFFFF;
            }
            if (exception is System.IO.FileNotFoundException || exception is System.IO.DirectoryNotFoundException) return Win32.FileNotFound;
            if (exception is UnauthorizedAccessException) return Win32.AccessDenied;
            return 1;
        }

        // Exception.HResult is public only from .NET 4.5; it is, so read it.
        private static int HResult(Exception e) { return e.HResult; }

        public static string Hex(long code) { return "0x" + code.ToString("X8", CultureInfo.InvariantCulture); }
    }
}
