using System;
using System.ComponentModel;
using System.IO;
using System.Security.Cryptography;
using TfWin.Testing;

namespace TfWin
{
    public class OpExceptionTests
    {
        [Test]
        public void CodesAreWhatTheEnvelopeReports()
        {
            Assert.Equal(87L, ErrorCodes.Of(new OpException(87, "x")), "OpException");
            Assert.Equal(1312L, ErrorCodes.Of(new Win32Exception(1312)), "Win32Exception");
            Assert.Equal(0x80090016L, ErrorCodes.Of(new Win32Exception(unchecked((int)0x80090016))), "an HRESULT in a Win32Exception is unsigned");
            Assert.Equal(0x80070056L, ErrorCodes.Of(new CryptographicException(unchecked((int)0x80070056))), "CryptographicException keeps its HRESULT");
            Assert.Equal(5L, ErrorCodes.Of(new UnauthorizedAccessException("x")), "access denied");
            Assert.Equal(2L, ErrorCodes.Of(new FileNotFoundException("x")), "no such file");
            Assert.Equal(1312L, ErrorCodes.Of(new InvalidOperationException("outer", new Win32Exception(1312))), "the code of an inner exception");
            Assert.Equal(1L, ErrorCodes.Of(new InvalidOperationException("x")), "anything else");
        }
    }
}
