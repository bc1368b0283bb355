namespace TfWin
{
    /// <summary>The host's identity (host.info).</summary>
    public interface ISystemInfo
    {
        /// <summary>The computer name (Environment.MachineName).</summary>
        string MachineName { get; }

        /// <summary>Win32_OperatingSystem.Caption, e.g. "Microsoft Windows Server 2022 Standard".</summary>
        string OSCaption { get; }

        /// <summary>Win32_OperatingSystem.Version, e.g. "10.0.20348".</summary>
        string OSVersion { get; }

        /// <summary>The Windows PowerShell engine's version, e.g. "5.1.20348.2849".</summary>
        string PowerShellVersion { get; }
    }
}
